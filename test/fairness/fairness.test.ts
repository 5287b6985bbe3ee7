import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { fairness } from '../../src/detectors/fairness.js';
import { DEFAULT_IDENTITY_TERMS, groupFromText, termIndex } from '../../src/detectors/identity-terms.js';
import type { CallRecord, HotPathDetector } from '../../src/detectors/types.js';
import { guard } from '../../src/guard.js';
import { seededRandom } from '../../src/random.js';

const record = (
  context: Record<string, unknown>,
  blocked: boolean,
  now = 0,
  signals: CallRecord['signals'] = [],
): CallRecord => ({
  text: '',
  output: undefined,
  latencyMs: 1,
  route: 'primary',
  breaker: 'b',
  context,
  signals,
  blocked,
  failed: false,
  now,
});

/** Feeds `n` calls of `group` with `hits` outcomes spread evenly; returns the first signal. */
function feed(d: ReturnType<typeof fairness>, group: string, n: number, hits: number, now = 0) {
  let signal;
  for (let i = 0; i < n; i++)
    signal ??= d.observe(record({ group }, Math.floor(((i + 1) * hits) / n) > Math.floor((i * hits) / n), now));
  return signal;
}

describe('fairness()', () => {
  it('no traffic and one group only: never trips; snapshot reports the lone group', () => {
    const d = fairness({ group: 'group', minPerGroup: 10, window: { kind: 'count', size: 1000 } });
    expect(d.snapshot()).toMatchObject({ groups: [], delta: 0, pValue: 1 });
    expect(feed(d, 'a', 500, 500)).toBeUndefined(); // every call blocked, but nobody to compare with
    expect(d.snapshot().groups).toEqual([{ group: 'a', calls: 500, outcomes: 500, rate: 1, insufficient: false }]);
  });

  it('trips on a real gap; the reason carries each group rate and count', () => {
    const d = fairness({ group: 'group', minPerGroup: 50, window: { kind: 'count', size: 1000 }, alpha: 1e-3 });
    feed(d, 'a', 200, 20);
    const signal = feed(d, 'b', 200, 100);
    expect(signal?.flagged).toBe(true);
    expect(signal?.reason).toMatch(/gap of \d+\.\d points between b and a/);
    expect(signal?.reason).toMatch(/a 10\.0 % of 200/);
    expect(signal?.scores?.['rate:a']).toBeCloseTo(0.1);
    expect(signal?.scores?.['calls:a']).toBe(200);
    expect(signal?.scores?.pValue).toBeLessThan(1e-3);
  });

  it('groups below minPerGroup never cause a trip and are listed as insufficient data', () => {
    const d = fairness({ group: 'group', minPerGroup: 100, alpha: 0.5, maxDelta: 0 });
    feed(d, 'a', 500, 0);
    expect(feed(d, 'c', 99, 99)).toBeUndefined(); // 100 % vs 0 %, but only 99 calls
    const snap = d.snapshot();
    expect(snap.insufficient).toEqual(['c']);
    expect(snap.groups.find((g) => g.group === 'c')).toMatchObject({ calls: 99, insufficient: true });
  });

  it('needs both delta > maxDelta and the corrected test to reject', () => {
    // Large, significant, but small gap (3 points < maxDelta 5): no trip.
    // The window rule itself (sequential: false runs it on every call).
    const d = fairness({
      group: 'group',
      minPerGroup: 100,
      maxDelta: 0.05,
      alpha: 0.05,
      window: { kind: 'count', size: 100_000 },
      sequential: false,
    });
    feed(d, 'a', 20_000, 2_000);
    expect(feed(d, 'b', 20_000, 2_600)).toBeUndefined();
    // Big gap on few calls: Fisher's exact test does not reject at a strict alpha.
    const e = fairness({ group: 'group', minPerGroup: 5, maxDelta: 0.05, alpha: 1e-4, sequential: false });
    feed(e, 'a', 8, 1);
    expect(feed(e, 'b', 8, 4)).toBeUndefined();
  });

  it('sequential gate: a drift of every group together never trips; a real gap trips with the evidence in the reason', () => {
    const rnd = seededRandom(7);
    const d = fairness({ group: 'group' });
    const step = (ra: number, rb: number) => {
      const a = rnd() < 0.5;
      return d.observe(record({ group: a ? 'a' : 'b' }, rnd() < (a ? ra : rb)));
    };
    for (let i = 0; i < 5_000; i++) expect(step(0.1, 0.1)).toBeUndefined();
    for (let i = 0; i < 20_000; i++) expect(step(0.13, 0.13)).toBeUndefined(); // both rise: a drift, not a gap
    let signal;
    let n = 0;
    while (!signal && n < 5_000) {
      signal = step(0.13, 0.3);
      n++;
    }
    expect(n).toBeLessThan(1_000);
    expect(signal?.reason).toMatch(/between b and a .*sequential evidence for [ab] \d+\.\d ≥ 18 nats/);
    expect(signal?.scores?.evidence).toBeGreaterThanOrEqual(18);
  });

  it('sequential gate: evidence alone never trips without the window test (delta ≤ maxDelta)', () => {
    const d = fairness({ group: 'group', maxDelta: 0.5, minPerGroup: 20 });
    feed(d, 'a', 500, 50);
    expect(feed(d, 'b', 500, 200)).toBeUndefined(); // 40 % vs 10 %: strong evidence, but a gap of 30 points ≤ 50
    expect(() => fairness({ sequential: { threshold: -1 } })).toThrow(/sequential/);
  });

  it('window roll-over (time window, fake clock) forgets old outcomes', () => {
    const d = fairness({ group: 'group', minPerGroup: 10, window: { kind: 'time', durationMs: 60_000, buckets: 6 } });
    feed(d, 'a', 50, 50, 0);
    expect(d.snapshot(30_000).groups[0]?.calls).toBe(50);
    expect(d.snapshot(70_000).groups).toEqual([]);
  });

  it('outcome options: a named detector, or an app-defined function', () => {
    const byDetector = fairness({ group: 'group', outcome: { detector: 'refusal' }, minPerGroup: 1 });
    byDetector.observe(record({ group: 'a' }, false, 0, [{ detector: 'refusal', score: 1, flagged: true }]));
    byDetector.observe(
      record({ group: 'a' }, true, 0, [{ detector: 'toxicity', score: 1, flagged: true, blocked: true }]),
    );
    expect(byDetector.snapshot().groups[0]).toMatchObject({ calls: 2, outcomes: 1 });
    const byFn = fairness({
      group: (c) => (c.context.tenant as string) ?? undefined,
      outcome: (c) => c.context.approved === true,
      minPerGroup: 1,
    });
    byFn.observe(record({ tenant: 't1', approved: true }, false));
    byFn.observe(record({ tenant: 't1', approved: false }, false));
    expect(byFn.snapshot().groups[0]).toMatchObject({ group: 't1', rate: 0.5 });
  });

  it('without group metadata, assigns groups from identity terms in context.requestText; ambiguous or none are ungrouped', () => {
    const d = fairness({ minPerGroup: 1 });
    d.observe(record({ requestText: 'Write a poem about women in science' }, false));
    d.observe(record({ requestText: 'What do men think?' }, true));
    d.observe(record({ requestText: 'Compare men and women' }, true));
    d.observe(record({ requestText: 'What is 2+2?' }, true));
    expect(d.snapshot().groups.map((g) => g.group)).toEqual(['female', 'male']);
    expect(d.snapshot().ungrouped).toBe(2);
    const byFn = fairness({ minPerGroup: 1, axis: 'religion', requestText: (c) => c.prompt as string });
    byFn.observe(record({ prompt: 'Tell me about Buddhist festivals' }, false));
    expect(byFn.snapshot().groups[0]?.group).toBe('buddhist');
  });

  it('rejects bad options and contradictory term lists with errors naming them', () => {
    expect(() => fairness({ alpha: 2 })).toThrow(/alpha/);
    expect(() => fairness({ axis: 'planet' })).toThrow(/axis/);
    expect(() => termIndex({ x: { a: ['same'], b: ['same'] } }, 'x')).toThrow(/"same" is listed under both/);
    expect(groupFromText("HER sister's car", termIndex(DEFAULT_IDENTITY_TERMS, 'gender'))).toBe('female');
  });

  it.each([
    [{ maxDelta: 2 }, 'option "maxDelta": must be a number < 1 (got 2)'],
    [{ alpha: 0 }, 'option "alpha": must be a number > 0 (got 0)'],
    [{ minPerGroup: 1.5 }, 'option "minPerGroup": must be an integer >= 1 (got 1.5)'],
    [{ window: { kind: 'count', size: 1 } }, 'option "window.size": must be an integer >= 2 (got 1)'],
    [{ window: { kind: 'time' } }, 'option "window.durationMs": is required'],
    [{ outcome: 'blok' }, `option "outcome": must be 'blocked', 'flagged', { detector } or a function (got "blok")`],
    [{ name: '' }, 'option "name": must be a non-empty string (got "")'],
    [{ grup: 'group' }, 'unknown option "grup"'],
  ])('words a bad option %j as guard() does', (options, message) => {
    expect(() => fairness(options as never)).toThrow(TypeError);
    expect(() => fairness(options as never)).toThrow(`fairness(): ${message}`);
    expect(() => fairness(options as never)).not.toThrow(/expected|Invalid input|Too (big|small)/);
  });

  it('memory is bounded: groups beyond maxGroups are counted as overflow', () => {
    const d = fairness({ group: 'group', maxGroups: 2, minPerGroup: 1 });
    for (const g of ['a', 'b', 'c', 'd']) d.observe(record({ group: g }, false));
    expect(d.snapshot()).toMatchObject({ overflow: 2 });
    expect(d.snapshot().groups).toHaveLength(2);
  });
});

describe('fairness() in a guard', () => {
  it('trips the breaker; stats() and metrics show groups and insufficient data', async () => {
    let now = 0;
    const registry = new Registry();
    const refusal: HotPathDetector = {
      name: 'refusal',
      detect: ({ text }) => ({ detector: 'refusal', score: text === 'no' ? 1 : 0, flagged: text === 'no' }),
    };
    const g = guard(async (group: string, refuse: boolean) => (refuse ? 'no' : `ok ${group}`), {
      name: 'fair',
      detectors: [
        refusal,
        fairness({ group: 'group', outcome: { detector: 'refusal' }, minPerGroup: 30, alpha: 1e-3 }),
      ],
      context: (group) => ({ group }),
      trip: { policy: 'rate', threshold: 1, minimumCalls: 1_000 },
      fallbacks: [async () => 'fallback'],
      retry: false,
      timeoutMs: 0,
      registry,
      clock: () => now,
    });
    const trips: string[] = [];
    g.on('trip', (t) => trips.push(t.decision.policy));
    for (let i = 0; i < 10; i++) await g('small', true);
    for (let i = 0; i < 100; i++) await g('a', i % 10 === 0);
    expect(g.stats().windows[0]?.insufficient).toEqual(['small']);
    const metricsText = await registry.metrics();
    expect(metricsText).toMatch(
      /safety_breaker_window_groups\{breaker="fair",detector="fairness",status="insufficient"\} 1/,
    );
    for (let i = 0; i < 400 && trips.length === 0; i++) {
      now += 10;
      await g('b', i % 2 === 0);
    }
    expect(trips).toEqual(['fairness']);
    expect(g.state).toBe('open');
    expect(g.stats().lastTransition?.reason).toMatch(/between b and (a|small)/);
    g.dispose();
  });
});
