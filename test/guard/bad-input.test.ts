import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DisposedError,
  guard,
  type AsyncDetector,
  type GuardEvents,
  type HotPathDetector,
  type Signal,
} from '../../src/index.js';
import { flush, marker, virtualClock } from './helpers.js';

const base = { retry: false as const, timeoutMs: 0 };

afterEach(() => {
  vi.useRealTimers();
});

describe('non-text outputs', () => {
  it.each([
    ['a number', 42, '42'],
    ['null', null, ''],
    ['an object', { answer: { text: 'nested' }, n: 3 }, 'nested'],
    ['an array', ['a', 'b'], 'a\nb'],
    ['a Uint8Array', new Uint8Array([1, 2, 3]), ''],
  ])('%s is returned unchanged and scanned as text', async (_what, output, text) => {
    const seen: string[] = [];
    const g = guard(async () => output, {
      ...base,
      name: 'nt',
      detectors: [{ name: 'spy', detect: (i) => (seen.push(i.text), { detector: 'spy', score: 0, flagged: false }) }],
    });
    expect(await g()).toBe(output);
    expect(seen).toEqual([text]);
  });

  it('a toxic string hidden in an unknown object shape is still blocked', async () => {
    const g = guard(async () => ({ data: [{ reply: 'TOXIC' }] }), {
      ...base,
      name: 'nt2',
      detectors: [marker()],
      safeReply: { data: [] },
    });
    expect(await g()).toEqual({ data: [] });
  });
});

describe('a 10 MB output', () => {
  it('completes, and a marker at the very end is still found', async () => {
    const big = 'a'.repeat(10 * 1024 * 1024 - 5) + 'TOXIC';
    const g = guard(async () => big, { ...base, name: 'big', detectors: [marker()], fallbacks: [async () => 'small'] });
    expect(await g()).toBe('small');
    expect(g.stats().calls.blocked).toBe(1);
  });
});

describe('detectors that misbehave', () => {
  const throwing: HotPathDetector = {
    name: 'broken',
    detect() {
      throw new Error('detector bug');
    },
  };

  it("onDetectorError 'pass' (default): the output passes; counted in stats and a detector-error event", async () => {
    const g = guard(async () => 'fine', { ...base, name: 'de1', detectors: [throwing, marker()] });
    const errors: GuardEvents['detector-error'][] = [];
    g.on('detector-error', (e) => errors.push(e));
    expect(await g()).toBe('fine');
    expect(g.stats().detectorErrors).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ breaker: 'de1', detector: 'broken', route: 'primary' });
    expect((errors[0]!.error as Error).message).toBe('detector bug');
  });

  it("onDetectorError 'block': the output is blocked and the next route serves", async () => {
    const g = guard(async () => 'fine', {
      ...base,
      name: 'de2',
      detectors: [throwing],
      onDetectorError: 'block',
      fallbacks: [{ name: 'fb', run: async () => 'fallback' }],
    });
    const blocks: GuardEvents['block'][] = [];
    g.on('block', (e) => blocks.push(e));
    // The fallback's output is scanned by the same broken detector: blocked as well, so the safe path is exhausted.
    await expect(g()).rejects.toMatchObject({ code: 'SAFETY_BREAKER_OUTPUT_BLOCKED', detectors: ['broken'] });
    expect(blocks.map((b) => b.route)).toEqual(['primary', 'fb']);
    expect(g.stats().detectorErrors).toBe(2);
  });

  it('a detector returning garbage counts as a detector error, never a crash', async () => {
    const garbage: HotPathDetector = { name: 'garbage', detect: () => ({ verdict: 'ok' }) as unknown as Signal };
    const g = guard(async () => 'fine', { ...base, name: 'de3', detectors: [garbage] });
    const errors: GuardEvents['detector-error'][] = [];
    g.on('detector-error', (e) => errors.push(e));
    expect(await g()).toBe('fine');
    expect(errors[0]!.error).toBeInstanceOf(TypeError);
    expect(g.stats().detectorErrors).toBe(1);
  });

  it('a text() that throws falls back to the default extractor, so the output is still scanned', async () => {
    const g = guard(async () => 'TOXIC output', {
      ...base,
      name: 'tx1',
      detectors: [marker()],
      text: () => {
        throw new Error('bad extractor');
      },
      safeReply: 'safe',
    });
    expect(await g()).toBe('safe');
  });

  it('a text() returning a non-string is converted, never crashes', async () => {
    const g = guard(async () => 'x', {
      ...base,
      name: 'tx2',
      detectors: [marker()],
      text: () => 123 as unknown as string,
    });
    expect(await g()).toBe('x');
  });

  it('a detector past the per-call budget emits budget-exceeded and is counted; the output still passes', async () => {
    let now = 0;
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const slow: HotPathDetector = {
        name: 'slow',
        detect() {
          now += 12;
          return { detector: 'slow', score: 0, flagged: false };
        },
      };
      const g = guard(async () => 'x', { ...base, name: 'bud', detectors: [slow], budgetMs: 10, clock: () => 0 });
      const overruns: GuardEvents['budget-exceeded'][] = [];
      g.on('budget-exceeded', (e) => overruns.push(e));
      expect(await g()).toBe('x');
      expect(overruns).toEqual([{ breaker: 'bud', detector: 'slow', route: 'primary', elapsedMs: 12, budgetMs: 10 }]);
      expect(g.stats().budgetOverruns).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('an event listener that throws does not break the call', async () => {
    const g = guard(async () => 'x', { ...base, name: 'ev1', detectors: [] });
    g.on('outcome', () => {
      throw new Error('listener bug');
    });
    expect(await g()).toBe('x');
  });
});

describe('concurrent half-open callers', () => {
  it('exactly k probes are admitted; the others are served by the fallback', async () => {
    const clock = virtualClock();
    let toxic = true;
    const releases: (() => void)[] = [];
    const primary = vi.fn((): Promise<string> =>
      toxic ? Promise.resolve('TOXIC') : new Promise<string>((resolve) => releases.push(() => resolve('kind'))),
    );
    const fallback = vi.fn(async () => 'fallback');
    const g = guard(primary, {
      ...base,
      name: 'hc',
      detectors: [marker()],
      fallbacks: [fallback],
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 1 },
      recovery: { afterMs: 100, probes: 3 },
      clock: clock.now,
    });
    await g();
    expect(g.state).toBe('open');
    toxic = false;
    primary.mockClear();
    fallback.mockClear();
    clock.advance(100);
    const calls = Array.from({ length: 10 }, () => g());
    await flush();
    expect(primary).toHaveBeenCalledTimes(3);
    expect(fallback).toHaveBeenCalledTimes(7);
    expect(g.state).toBe('half-open');
    for (const release of releases) release();
    const results = await Promise.all(calls);
    expect(results.filter((r) => r === 'kind')).toHaveLength(3);
    expect(results.filter((r) => r === 'fallback')).toHaveLength(7);
    expect(g.state).toBe('closed');
  });
});

describe('a probe from an earlier half-open episode', () => {
  it('neither takes a slot nor votes in the next episode', async () => {
    const clock = virtualClock();
    type Reply = { resolve: (v: string) => void };
    const hanging: Reply[] = [];
    let behaviour: 'toxic' | 'hang' = 'toxic';
    const primary = vi.fn((): Promise<string> =>
      behaviour === 'toxic' ? Promise.resolve('TOXIC') : new Promise<string>((resolve) => hanging.push({ resolve })),
    );
    const g = guard(primary, {
      ...base,
      name: 'ep',
      detectors: [marker()],
      fallbacks: [async () => 'fallback'],
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 1 },
      recovery: { afterMs: 100, backoff: 1, probes: 2 },
      clock: clock.now,
    });
    await g(); // trips
    clock.advance(100);
    // Episode 1: a slow probe A, then a toxic probe B that reopens the breaker.
    behaviour = 'hang';
    const a = g();
    await flush();
    behaviour = 'toxic';
    expect(await g()).toBe('fallback');
    expect(g.state).toBe('open');
    // Episode 2: two hanging probes take both slots.
    clock.advance(100);
    behaviour = 'hang';
    const c = g();
    const d = g();
    await flush();
    expect(g.state).toBe('half-open');
    // The stale probe A finishes healthy: it must not free a slot nor count as a pass.
    hanging[0]!.resolve('kind');
    expect(await a).toBe('kind');
    primary.mockClear();
    expect(await g()).toBe('fallback');
    expect(primary).not.toHaveBeenCalled();
    hanging[1]!.resolve('kind');
    await c;
    expect(g.state).toBe('half-open'); // 1 of 2 in this episode
    hanging[2]!.resolve('kind');
    await d;
    expect(g.state).toBe('closed');
  });
});

describe('bad options throw a TypeError naming the option', () => {
  const fn = async (p: string) => p;
  it.each([
    [
      'an unknown key, with the nearest known one',
      { name: 'x', fallback: [] },
      /unknown option "fallback" \(did you mean "fallbacks"\?\)/,
    ],
    ['a wrong type', { name: 'x', timeoutMs: '100' }, /option "timeoutMs"/],
    ['a nested wrong value', { name: 'x', recovery: { probes: 0 } }, /option "recovery.probes"/],
    ['a nested unknown key', { name: 'x', recovery: { after: 10 } }, /unknown option "recovery.after"/],
    ['a mistyped nested key', { name: 'x', recovery: { afterMS: 10 } }, /did you mean "recovery.afterMs"\?/],
    ['a bad trip policy', { name: 'x', trip: { policy: 'rate', threshold: 2 } }, /option "trip/],
    ['a missing name', {}, /option "name"/],
    ['a name unsafe as a metric label', { name: 'bad name!' }, /option "name"/],
    ['a detector without detect()', { name: 'x', detectors: [{ name: 'd' }] }, /option "detectors.0"/],
    ['a non-function fallback', { name: 'x', fallbacks: ['gpt-4o'] }, /option "fallbacks.0"/],
    ['a bad mode', { name: 'x', mode: 'off' }, /option "mode"/],
    ['a registry that is not one', { name: 'x', registry: {} }, /option "registry"/],
    // Past Node's timer limit a timer fires at once and warns: a timeout that long would spin.
    [
      'a timeout past the timer limit',
      { name: 'x', timeoutMs: 3e9 },
      /option "timeoutMs": must be a number <= 2147483647/,
    ],
    ['a recovery cap past the timer limit', { name: 'x', recovery: { capMs: 2 ** 31 } }, /option "recovery.capMs"/],
    [
      'an async timeout past the timer limit',
      { name: 'x', asyncQueue: { timeoutMs: 1e10 } },
      /option "asyncQueue.timeoutMs"/,
    ],
  ])('%s', (_what, options, message) => {
    expect(() => guard(fn, options as never)).toThrow(TypeError);
    expect(() => guard(fn, options as never)).toThrow(message);
  });

  it('duplicate detector names', () => {
    expect(() => guard(fn, { name: 'x', detectors: [marker('A', 'same'), marker('B', 'same')] })).toThrow(
      /two detectors are named "same"/,
    );
  });

  it('a missing options object or a non-function', () => {
    expect(() => guard(fn, undefined as never)).toThrow(TypeError);
    expect(() => guard('gpt-4o' as never, { name: 'x' })).toThrow(/first argument must be the function/);
  });
});

describe('dispose()', () => {
  it('later calls throw DisposedError; listeners are released even for a call in flight', async () => {
    let release!: (v: string) => void;
    const g = guard((_p: string) => new Promise<string>((r) => (release = r)), {
      ...base,
      timeoutMs: 1_000,
      name: 'dp1',
      detectors: [],
    });
    const outcome = vi.fn();
    g.on('outcome', outcome);
    const inFlight = g('a');
    await flush();
    g.dispose();
    expect(g.disposed).toBe(true);
    release('late');
    expect(await inFlight).toBe('late');
    expect(outcome).not.toHaveBeenCalled();
    await expect(g('b')).rejects.toBeInstanceOf(DisposedError);
    await expect(g.with({})('c')).rejects.toMatchObject({ code: 'SAFETY_BREAKER_DISPOSED', breaker: 'dp1' });
    g.dispose(); // idempotent
  });

  it('a call in flight still ends by its deadline after dispose()', async () => {
    vi.useFakeTimers();
    const g = guard((_p: string) => new Promise<string>(() => {}), {
      ...base,
      timeoutMs: 1_000,
      name: 'dp3',
      detectors: [],
    });
    const inFlight = g('a');
    const settled = expect(inFlight).rejects.toMatchObject({ code: 'SAFETY_BREAKER_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(10);
    g.dispose();
    await vi.advanceTimersByTimeAsync(1_000);
    await settled;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind: async detector timeouts and call deadlines are released', async () => {
    vi.useFakeTimers();
    const slow: AsyncDetector = {
      name: 'remote',
      kind: 'async',
      detect: (_i, signal) =>
        new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    };
    const g = guard(async () => 'x', { ...base, timeoutMs: 5_000, name: 'dp2', detectors: [slow] });
    expect(await g()).toBe('x');
    expect(g.stats().asyncQueue.depth).toBe(1);
    g.dispose();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('async detectors', () => {
  it('feed the windows without blocking the output, and can trip the breaker', async () => {
    const remote: AsyncDetector = {
      name: 'moderation',
      kind: 'async',
      detect: async () => ({ detector: 'moderation', score: 0.9, flagged: true, blocked: true }),
    };
    const g = guard(async () => 'looks fine', {
      ...base,
      name: 'as1',
      detectors: [remote],
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 2 },
      fallbacks: [async () => 'fb'],
    });
    expect(await g()).toBe('looks fine'); // an async detector can never block the output it reads
    expect(await g()).toBe('looks fine');
    await flush();
    expect(g.state).toBe('open');
    expect(await g()).toBe('fb');
  });

  it('a full queue counts drops and never blocks the call', async () => {
    const pending: (() => void)[] = [];
    const remote: AsyncDetector = {
      name: 'remote',
      kind: 'async',
      detect: () =>
        new Promise<Signal>((resolve) => pending.push(() => resolve({ detector: 'remote', score: 0, flagged: false }))),
    };
    const g = guard(async () => 'x', {
      ...base,
      name: 'as2',
      detectors: [remote],
      asyncQueue: { size: 2, concurrency: 1 },
    });
    const dropped: GuardEvents['async-dropped'][] = [];
    g.on('async-dropped', (e) => dropped.push(e));
    for (let i = 0; i < 5; i++) expect(await g()).toBe('x');
    expect(g.stats().asyncQueue).toEqual({ depth: 2, dropped: 3 });
    expect(dropped).toHaveLength(3);
    expect(dropped[0]).toMatchObject({ breaker: 'as2', depth: 2 });
    // Dropped calls are still counted in the windows with their hot-path signals.
    expect(g.stats().policies[0]!.calls).toBe(3);
    while (pending.length) {
      pending.shift()!();
      await flush();
    }
    expect(g.stats().asyncQueue.depth).toBe(0);
    expect(g.stats().policies[0]!.calls).toBe(5);
    g.dispose();
  });

  it('an async detector that rejects is counted as a detector error', async () => {
    const broken: AsyncDetector = {
      name: 'remote',
      kind: 'async',
      detect: async () => Promise.reject(new Error('502 from moderation API')),
    };
    const g = guard(async () => 'x', { ...base, name: 'as3', detectors: [broken] });
    const errors: GuardEvents['detector-error'][] = [];
    g.on('detector-error', (e) => errors.push(e));
    expect(await g()).toBe('x');
    await flush();
    expect(errors).toHaveLength(1);
    expect(g.stats().detectorErrors).toBe(1);
  });
});

describe('detectors that misbehave off the hot path', () => {
  it('an async detector resolving garbage is a detector error; the queue keeps working', async () => {
    let answer: unknown = undefined;
    const junk: AsyncDetector = { name: 'junk', kind: 'async', detect: async () => answer as Signal };
    const g = guard(async () => 'x', {
      ...base,
      name: 'as4',
      detectors: [junk],
      asyncQueue: { size: 1, concurrency: 1 },
    });
    const errors: GuardEvents['detector-error'][] = [];
    g.on('detector-error', (e) => errors.push(e));
    for (const garbage of [undefined, null, 'ok', { score: 'high' }]) {
      answer = garbage;
      expect(await g()).toBe('x');
      await flush();
      expect(g.stats().asyncQueue.depth).toBe(0);
    }
    expect(errors.map((e) => e.detector)).toEqual(['junk', 'junk', 'junk', 'junk']);
    expect(g.stats().asyncQueue.dropped).toBe(0);
    expect(g.stats().policies[0]!.calls).toBe(4);
  });

  it('a window detector that throws never breaks the call and is counted', async () => {
    const broken = {
      name: 'fairness',
      kind: 'window' as const,
      observe(): Signal | undefined {
        throw new Error('window bug');
      },
      reset() {},
    };
    const g = guard(async () => 'x', { ...base, name: 'wd1', detectors: [broken] });
    const errors: GuardEvents['detector-error'][] = [];
    g.on('detector-error', (e) => errors.push(e));
    expect(await g()).toBe('x');
    expect(await g()).toBe('x');
    expect(errors.map((e) => e.detector)).toEqual(['fairness', 'fairness']);
    expect(g.stats().detectorErrors).toBe(2);
  });

  it('a window detector that throws after an async detector does not stall the queue', async () => {
    const remote: AsyncDetector = {
      name: 'remote',
      kind: 'async',
      detect: async () => ({ detector: 'remote', score: 0, flagged: false }),
    };
    const broken = {
      name: 'fairness',
      kind: 'window' as const,
      observe(): Signal | undefined {
        throw new Error('window bug');
      },
      reset() {},
    };
    const g = guard(async () => 'x', {
      ...base,
      name: 'wd2',
      detectors: [remote, broken],
      asyncQueue: { size: 1, concurrency: 1 },
    });
    for (let i = 0; i < 3; i++) {
      expect(await g()).toBe('x');
      await flush();
    }
    expect(g.stats().asyncQueue).toEqual({ depth: 0, dropped: 0 });
    expect(g.stats().detectorErrors).toBe(3);
  });
});

describe('an output that throws while it is read', () => {
  const hostile = () =>
    new Proxy(
      {},
      {
        // `then` is read by every await (a thenable check): only the output's own fields throw.
        get(_target, key) {
          if (key === 'then') return undefined;
          throw new Error('getter says no');
        },
        ownKeys() {
          throw new Error('no keys either');
        },
      },
    );

  it('is judged like a detector error: counted, onDetectorError honoured, fallbacks tried, never thrown', async () => {
    const errors: string[] = [];
    const pass = guard(async () => hostile() as unknown as string, { ...base, name: 'rd1', detectors: [marker()] });
    pass.on('detector-error', (e) => errors.push(e.detector));
    await expect(pass()).resolves.toBeDefined();
    expect(pass.stats().detectorErrors).toBeGreaterThan(0);
    expect(errors).toContain('text');

    const block = guard(async () => hostile() as unknown as string, {
      ...base,
      name: 'rd2',
      detectors: [marker()],
      onDetectorError: 'block',
      fallbacks: [async () => 'fallback'],
    });
    expect(await block()).toBe('fallback');
    expect(block.stats().calls).toMatchObject({ blocked: 1, servedByFallback: 1 });
  });

  it('never leaves a half-open probe slot taken: with probes: 1 the breaker recovers once the primary is healthy', async () => {
    const clock = virtualClock();
    let answer: () => unknown = () => 'TOXIC';
    const g = guard(async () => answer() as string, {
      ...base,
      name: 'rd3',
      clock: clock.now,
      detectors: [marker()],
      onDetectorError: 'block',
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 1 },
      recovery: { afterMs: 100, probes: 1 },
      fallbacks: [async () => 'fallback'],
    });
    expect(await g()).toBe('fallback');
    expect(g.state).toBe('open');
    clock.advance(100);
    answer = hostile; // the probe's output cannot be read: the probe fails, the breaker reopens
    expect(await g()).toBe('fallback');
    expect(g.state).toBe('open');
    clock.advance(200);
    answer = () => 'healthy';
    expect(await g()).toBe('healthy');
    expect(g.state).toBe('closed');
  });
});
