/**
 * Breaker state that leaves the process: a snapshot taken mid-traffic and restored into a new
 * guard makes the same decisions as the original on the same following calls; leaving any part
 * of the state out changes them.
 */
import { describe, expect, it } from 'vitest';
import { guard, type BreakerSnapshot, type GuardEvents } from '../../src/guard.js';
import { fairness } from '../../src/detectors/fairness.js';
import { latency } from '../../src/detectors/latency.js';
import { memoryStore } from '../../src/store/memory.js';
import { seededRandom } from '../../src/random.js';
import { flagger, virtualClock } from './helpers.js';

const clock = virtualClock(1_000_000);

/** One step of traffic: what the primary answers, how long it takes, and the caller's group. */
interface Step {
  readonly text: string;
  readonly latencyMs: number;
  readonly group: string;
  readonly gapMs: number;
}

/** Phases with changing flag rates, latencies and a gap between groups, so every policy and the fairness window fill up and trip. */
function traffic(seed: number, n: number): Step[] {
  const random = seededRandom(seed);
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) {
    const phase = Math.floor(i / 150) % 4;
    const group = random() < 0.5 ? 'a' : 'b';
    const badRate = [0.02, 0.25, 0.05, 0.4][phase]! + (group === 'b' ? 0.15 : 0);
    steps.push({
      text: random() < badRate ? 'MEH answer' : 'fine answer',
      latencyMs: random() < (phase === 3 ? 0.5 : 0.05) ? 80 + random() * 40 : 5 + random() * 10,
      group,
      gapMs: 20 + random() * 60,
    });
  }
  return steps;
}

function build(store?: ReturnType<typeof memoryStore>) {
  let next: Step | undefined;
  const model = async (_prompt: string): Promise<string> => {
    clock.advance(next!.latencyMs);
    return next!.text;
  };
  const g = guard(model, {
    name: 'snap',
    clock: clock.now,
    detectors: [
      flagger(),
      latency({ slowMs: 60 }),
      fairness({ group: 'group', minPerGroup: 20, maxDelta: 0.1, window: { kind: 'count', size: 300 } }),
    ],
    fallbacks: [async () => 'fallback answer'],
    trip: [
      { policy: 'rate', threshold: 0.35, minimumCalls: 30, window: { kind: 'count', size: 60 } },
      { policy: 'wilson', threshold: 0.25, window: { kind: 'time', durationMs: 8_000, buckets: 8 } },
      // Flag rates of 2–55 %: a ceiling above them, so the CUSUM learns a baseline rather than tripping at once.
      { policy: 'cusum', warmupCalls: 100, shift: 4, falseTripEvery: 1e4, ceiling: 0.3 },
      {
        policy: 'slow-call-rate',
        slowCallMs: 60,
        threshold: 0.4,
        minimumCalls: 20,
        window: { kind: 'count', size: 50 },
      },
      { policy: 'latency-p95', thresholdMs: 110, minimumCalls: 20, window: { kind: 'time', durationMs: 5_000 } },
    ],
    recovery: { afterMs: 2_000, backoff: 2, capMs: 120_000, probes: 2 },
    timeoutMs: 0,
    retry: false,
    ...(store && { store }),
  });
  const trips: string[] = [];
  g.on('trip', (t: GuardEvents['trip']) => trips.push(`${t.decision.policy}@${t.at}:${t.openForMs}`));
  /** Runs one step at a given start time; returns everything the breaker decided and shows. */
  const run = async (step: Step, at: number): Promise<string> => {
    clock.set(at);
    next = step;
    const answer = await g.with({ context: { group: step.group } })('hi');
    const s = g.stats();
    return JSON.stringify([answer, s.state, s.retryAfterMs, s.policies, s.windows, trips.length, trips.at(-1)]);
  };
  return { g, run, trips };
}

/**
 * Replays `steps` through `a` up to the first step after `from` where the breaker is closed with
 * every window holding calls (so every part of the state matters), snapshots it, and replays the
 * rest through both `a` and a guard restored from the snapshot.
 */
async function replay(steps: Step[], from: number, prepare: (snapshot: BreakerSnapshot) => BreakerSnapshot) {
  const a = build();
  let at = 2_000_000;
  let splitAt = 0;
  for (const step of steps) {
    await a.run(step, at);
    at += step.gapMs + step.latencyMs;
    splitAt++;
    const s = a.g.stats();
    const full = s.policies.every((p) => p.calls > 0) && s.windows[0]!.groups.length === 2;
    if (splitAt >= from && s.state === 'closed' && full && a.trips.length > 0) break;
  }
  expect(splitAt).toBeLessThan(steps.length - 300);
  const snapshot = a.g.snapshot();
  const tripsBefore = a.trips.splice(0);
  const b = build();
  const report = b.g.restore(JSON.parse(JSON.stringify(prepare(snapshot))) as BreakerSnapshot);
  const traceA: string[] = [];
  const traceB: string[] = [];
  for (const step of steps.slice(splitAt)) {
    traceA.push(await a.run(step, at));
    traceB.push(await b.run(step, at));
    at += step.gapMs + step.latencyMs;
  }
  return { a, b, snapshot, report, traceA, traceB, tripsBefore };
}

const STEPS = traffic(7, 1_400);
const SPLIT = 380;

describe('snapshot and restore', () => {
  it('a guard restored from a mid-traffic snapshot makes the same decisions as the original', async () => {
    const { a, b, snapshot, report, traceA, traceB, tripsBefore } = await replay(STEPS, SPLIT, (s) => s);
    // The snapshot was taken with something to carry: trips behind it (a backoff level), a learned baseline.
    expect(tripsBefore.length).toBeGreaterThan(0);
    expect(snapshot.policies.map((p) => p.policy)).toEqual([
      'rate',
      'wilson',
      'cusum',
      'slow-call-rate',
      'latency-p95',
    ]);
    expect(snapshot.windows.map((w) => w.detector)).toEqual(['fairness']);
    expect(report).toEqual({
      applied: [
        'policy rate',
        'policy wilson',
        'policy cusum',
        'policy slow-call-rate',
        'policy latency-p95',
        'window fairness',
      ],
      skipped: [],
    });
    const firstDiff = traceA.findIndex((t, i) => t !== traceB[i]);
    expect(firstDiff === -1 ? undefined : [firstDiff, traceA[firstDiff], traceB[firstDiff]]).toBeUndefined();
    // The run after the snapshot decided things: more trips, and calls served by both routes.
    expect(a.trips.length).toBeGreaterThan(0);
    expect(b.trips).toEqual(a.trips);
    expect(traceA.some((t) => t.startsWith('["fallback answer"'))).toBe(true);
    expect(traceA.some((t) => t.startsWith('["fine answer"'))).toBe(true);
  });

  it('restoring is exact: the restored guard snapshots to the same data', async () => {
    const a = build();
    let at = 3_000_000;
    for (const step of STEPS.slice(0, SPLIT)) {
      await a.run(step, at);
      at += step.gapMs + step.latencyMs;
    }
    const snapshot = a.g.snapshot();
    const b = build();
    b.g.restore(JSON.parse(JSON.stringify(snapshot)) as BreakerSnapshot);
    expect(b.g.snapshot()).toEqual(snapshot);
  });

  const parts: [string, (s: BreakerSnapshot) => BreakerSnapshot][] = [
    ['the breaker state and backoff', (s) => ({ ...s, machine: build().g.snapshot().machine })],
    ...['rate', 'wilson', 'cusum', 'slow-call-rate', 'latency-p95'].map(
      (policy): [string, (s: BreakerSnapshot) => BreakerSnapshot] => [
        `the ${policy} policy`,
        (s) => ({ ...s, policies: s.policies.filter((p) => p.policy !== policy) }),
      ],
    ),
    ['the fairness window', (s) => ({ ...s, windows: [] })],
  ];
  it.each(parts)('leaving out %s changes the decisions', async (_part, leaveOut) => {
    const { traceA, traceB } = await replay(STEPS, SPLIT, leaveOut);
    expect(traceB).not.toEqual(traceA);
  });

  it('bad snapshot data throws a TypeError naming the part, and changes nothing', async () => {
    const a = build();
    let at = 4_000_000;
    for (const step of STEPS.slice(0, SPLIT)) {
      await a.run(step, at);
      at += step.gapMs + step.latencyMs;
    }
    const good = a.g.snapshot();
    const b = build();
    const before = b.g.snapshot();
    const broken = {
      ...good,
      policies: good.policies.map((p) => (p.policy === 'cusum' ? { ...p, state: { c: 'x' } } : p)),
    };
    expect(() => b.g.restore(broken)).toThrow(/snapshot: cusum warmCalls: expected a number/);
    expect(b.g.snapshot()).toEqual({ ...before, takenAt: b.g.snapshot().takenAt });
    expect(() => b.g.restore({ ...good, version: 9 } as unknown as BreakerSnapshot)).toThrow(
      /snapshot version 9 is not supported/,
    );
  });

  it('a store carries the state to the next guard of the same name: saved on every state change and on dispose', async () => {
    const store = memoryStore();
    const first = build(store);
    let at = 5_000_000;
    for (const step of STEPS.slice(0, SPLIT)) {
      await first.run(step, at);
      at += step.gapMs + step.latencyMs;
    }
    first.g.forceOpen('drill');
    first.g.dispose();
    const second = build(store);
    await second.g.ready();
    expect(second.g.state).toBe('forced-open');
    expect(second.g.snapshot().policies).toEqual(first.g.snapshot().policies);
  });
});
