import { getEventListeners } from 'node:events';
import CircuitBreaker from 'opossum';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  BreakerOpenError,
  OutputBlockedError,
  TimeoutError,
  callSignal,
  withSignal,
  guard,
  isBreakerOpenError,
  isOutputBlockedError,
  isSafetyBreakerError,
  type GuardEvents,
} from '../../src/index.js';
import { marker, virtualClock } from '../guard/helpers.js';

const toxic = async (p: string): Promise<string> => `TOXIC ${p}`;
const kind = async (p: string): Promise<string> => `kind ${p}`;
const base = { detectors: [marker()], retry: false as const, timeoutMs: 0 };
const tripFast = { policy: 'rate' as const, threshold: 0.5, minimumCalls: 1 };

function outcomes(g: { on: (e: 'outcome', l: (p: GuardEvents['outcome']) => void) => unknown }) {
  const seen: string[] = [];
  g.on('outcome', (e) => seen.push(`${e.route}:${e.outcome}`));
  return seen;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a blocked output never reaches the caller', () => {
  it('goes to the next route, whose output is scanned too', async () => {
    const second = vi.fn(async (p: string) => `kind second ${p}`);
    const g = guard(toxic, {
      ...base,
      name: 'r1',
      fallbacks: [
        { name: 'also-toxic', run: toxic },
        { name: 'second', run: second },
      ],
    });
    const seen = outcomes(g);
    expect(await g('hi')).toBe('kind second hi');
    expect(seen).toEqual(['primary:blocked', 'also-toxic:blocked', 'second:success']);
    expect(second).toHaveBeenCalledWith('hi');
  });

  it('every route blocked and no safe reply: OutputBlockedError naming the detector, never the text', async () => {
    const g = guard(toxic, { ...base, name: 'r2', fallbacks: [toxic] });
    const error = await g('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputBlockedError);
    expect(isOutputBlockedError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'SAFETY_BREAKER_OUTPUT_BLOCKED', detectors: ['marker'] });
    expect(String((error as Error).message)).not.toContain('TOXIC');
  });

  it('every route blocked: the static safe reply (value) is returned', async () => {
    const g = guard(toxic, { ...base, name: 'r3', fallbacks: [toxic], safeReply: 'Sorry, I cannot help with that.' });
    expect(await g('hi')).toBe('Sorry, I cannot help with that.');
    expect(g.stats().calls).toMatchObject({ servedBySafeReply: 1, exhausted: 1, blocked: 2 });
  });

  it('the safe reply may be a function of the breaker, state and context', async () => {
    const safeReply = vi.fn(() => 'safe');
    const g = guard(toxic, { ...base, name: 'r4', safeReply, context: (p) => ({ tenant: p }) });
    expect(await g('acme')).toBe('safe');
    expect(safeReply).toHaveBeenCalledWith({
      breaker: 'r4',
      state: 'closed',
      context: { tenant: 'acme' },
      error: expect.any(OutputBlockedError),
    });
  });

  it('a safe reply function that throws declines: the caller gets its error, counted as exhausted', async () => {
    // Answer unsafe outputs with a refusal, but let an outage reach the caller as the error it is.
    const safeReply = ({ error }: { error: unknown }): string => {
      if (isOutputBlockedError(error)) return 'I cannot help with that.';
      throw error;
    };
    const g = guard(toxic, { ...base, name: 'r5', safeReply });
    expect(await g('x')).toBe('I cannot help with that.');
    g.forceOpen('model outage drill');
    const error = await g('y').catch((e: unknown) => e);
    expect(isBreakerOpenError(error)).toBe(true);
    expect(g.stats().calls).toMatchObject({ servedBySafeReply: 1, exhausted: 2 });
  });
});

describe('open breaker', () => {
  it('fallbacks serve while open; the primary is not called', async () => {
    const primary = vi.fn(toxic);
    const g = guard(primary, { ...base, name: 'o1', trip: tripFast, fallbacks: [kind] });
    await g('a');
    expect(g.state).toBe('open');
    primary.mockClear();
    expect(await g('b')).toBe('kind b');
    expect(primary).not.toHaveBeenCalled();
  });

  it('exhausted while open: BreakerOpenError with a stable code and the time until a probe', async () => {
    const clock = virtualClock();
    const g = guard(toxic, { ...base, name: 'o2', trip: tripFast, recovery: { afterMs: 10_000 }, clock: clock.now });
    await g('a').catch(() => {});
    clock.advance(4_000);
    const error = await g('b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(isBreakerOpenError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'SAFETY_BREAKER_OPEN', breaker: 'o2', state: 'open', retryAfterMs: 6_000 });
    expect((error as Error).message).toMatch(/retry after 6 s/);
  });

  it('exhausted while open with a throwing fallback: BreakerOpenError whose cause is the fallback error', async () => {
    const boom = new Error('fallback down');
    const g = guard(toxic, { ...base, name: 'o3', trip: tripFast, fallbacks: [async () => Promise.reject(boom)] });
    await g('a').catch(() => {});
    const error = await g('b').catch((e: unknown) => e);
    expect(isBreakerOpenError(error)).toBe(true);
    expect((error as Error).cause).toBe(boom);
  });

  it('exhausted while open with a safe reply: the safe reply, with state open', async () => {
    const g = guard(toxic, { ...base, name: 'o4', trip: tripFast, safeReply: ({ state }) => `down (${state})` });
    expect(await g('a')).toBe('down (open)'); // the blocked call that tripped it sees the new state
    expect(await g('b')).toBe('down (open)');
  });
});

describe('fallbacks', () => {
  it('a fallback that throws (sync or async) moves on to the next one', async () => {
    const syncThrow = (): Promise<string> => {
      throw new Error('sync');
    };
    const g = guard(toxic, {
      ...base,
      name: 'f1',
      fallbacks: [
        { name: 'sync', run: syncThrow },
        { name: 'async', run: async () => Promise.reject(new Error('async')) },
        kind,
      ],
    });
    const seen = outcomes(g);
    expect(await g('x')).toBe('kind x');
    expect(seen).toEqual(['primary:blocked', 'sync:error', 'async:error', 'kind:success']);
  });

  it('a primary error with every fallback failing rethrows the last error', async () => {
    const g = guard(async (_p: string): Promise<string> => Promise.reject(new Error('primary')), {
      ...base,
      name: 'f2',
      fallbacks: [async () => Promise.reject(new Error('fb'))],
    });
    await expect(g('x')).rejects.toThrow('fb');
  });

  it("a user's real opossum CircuitBreaker serves as a fallback under its own name", async () => {
    const backup = new CircuitBreaker(async (p: string) => `opossum ${p}`, { name: 'backup-model', timeout: false });
    try {
      const g = guard(toxic, { ...base, name: 'f3', fallbacks: [backup] });
      const seen = outcomes(g);
      expect(await g('x')).toBe('opossum x');
      expect(seen).toEqual(['primary:blocked', 'backup-model:success']);
    } finally {
      backup.shutdown();
    }
  });

  it("an opossum fallback in its own open state is skipped as 'rejected'", async () => {
    const backup = new CircuitBreaker(async (p: string) => `opossum ${p}`, { name: 'backup-model', timeout: false });
    try {
      backup.open();
      const g = guard(toxic, { ...base, name: 'f4', fallbacks: [backup, kind], safeReply: 'safe' });
      const seen = outcomes(g);
      expect(await g('x')).toBe('kind x');
      expect(seen).toEqual(['primary:blocked', 'backup-model:rejected', 'kind:success']);
      // The opossum output is scanned like any other.
      backup.close();
      const toxicBackup = new CircuitBreaker(toxic, { name: 'toxic-backup', timeout: false });
      const g2 = guard(toxic, { ...base, name: 'f5', fallbacks: [toxicBackup], safeReply: 'safe' });
      expect(await g2('x')).toBe('safe');
      toxicBackup.shutdown();
    } finally {
      backup.shutdown();
    }
  });

  it('an unnamed opossum breaker gets a stable route name, not its random UUID', async () => {
    const anonymous = new CircuitBreaker(async (p: string) => `opossum ${p}`, { timeout: false });
    try {
      expect(anonymous.name).toMatch(/^[0-9a-f-]{36}$/);
      const g = guard(toxic, { ...base, name: 'f7', fallbacks: [anonymous] });
      const seen = outcomes(g);
      expect(await g('x')).toBe('opossum x');
      expect(seen).toEqual(['primary:blocked', 'fallback-1:success']);
    } finally {
      anonymous.shutdown();
    }
  });

  it('two fallbacks with the same name are rejected at construction', () => {
    expect(() =>
      guard(kind, {
        name: 'f6',
        fallbacks: [
          { name: 'b', run: kind },
          { name: 'b', run: kind },
        ],
      }),
    ).toThrow(/two routes are named "b"/);
  });
});

describe("the caller's AbortSignal", () => {
  it('aborts the model call, rejects with the reason, and is not counted against the model', async () => {
    let seen: AbortSignal | undefined;
    const primary = (_p: string): Promise<string> =>
      new Promise((_resolve, reject) => {
        seen = callSignal();
        seen.addEventListener('abort', () => reject(seen!.reason));
      });
    const fallback = vi.fn(kind);
    const g = guard(primary, { ...base, name: 'a1', trip: tripFast, fallbacks: [fallback] });
    const controller = new AbortController();
    const pending = g.with({ signal: controller.signal })('x');
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error('user went away'));
    await expect(pending).rejects.toThrow('user went away');
    expect(seen!.aborted).toBe(true);
    expect(fallback).not.toHaveBeenCalled();
    expect(g.state).toBe('closed');
    expect(g.stats().calls.failed).toBe(0);
    expect(g.stats().policies[0]!.calls).toBe(0);
  });

  it('an already aborted signal never calls the model', async () => {
    const primary = vi.fn(kind);
    const g = guard(primary, { ...base, name: 'a2' });
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(g.with({ signal: controller.signal })('x')).rejects.toThrow('too late');
    expect(primary).not.toHaveBeenCalled();
  });

  it('leaves no listener on the signal after the call', async () => {
    const g = guard(kind, { ...base, name: 'a3', timeoutMs: 1_000 });
    const controller = new AbortController();
    const call = g.with({ signal: controller.signal });
    for (let i = 0; i < 5; i++) await call('x');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a half-open probe aborted by the caller frees its slot', async () => {
    const clock = virtualClock();
    let mode: 'toxic' | 'hang' | 'kind' = 'toxic';
    const primary = (p: string): Promise<string> =>
      mode === 'hang'
        ? new Promise((_r, reject) => {
            const signal = callSignal();
            signal.addEventListener('abort', () => reject(signal.reason));
          })
        : mode === 'toxic'
          ? toxic(p)
          : kind(p);
    const g = guard(primary, {
      ...base,
      name: 'a4',
      trip: tripFast,
      recovery: { afterMs: 100, probes: 1 },
      fallbacks: [async () => 'fb'],
      clock: clock.now,
    });
    await g('a');
    clock.advance(100);
    mode = 'hang';
    const controller = new AbortController();
    const pending = g.with({ signal: controller.signal })('probe');
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error('bye'));
    await expect(pending).rejects.toThrow('bye');
    expect(g.state).toBe('half-open');
    mode = 'kind';
    expect(await g('probe')).toBe('kind probe');
    expect(g.state).toBe('closed');
  });
});

describe('withSignal() and callSignal()', () => {
  it('withSignal hands each route attempt its signal: aborted on the timeout, and the fallback gets its own', async () => {
    vi.useFakeTimers();
    const seen: AbortSignal[] = [];
    const primary = withSignal(
      ({ signal }, prompt: string): Promise<string> =>
        new Promise((_resolve, reject) => {
          seen.push(signal);
          signal.addEventListener('abort', () => reject(signal.reason));
          void prompt;
        }),
    );
    const fallback = withSignal(async ({ signal }, prompt: string) => {
      seen.push(signal);
      return `fallback ${prompt}`;
    });
    const g = guard(primary, { ...base, timeoutMs: 1_000, name: 'ws1', fallbacks: [fallback] });
    expectTypeOf(g).parameters.toEqualTypeOf<[prompt: string]>();
    const pending = g('x');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await pending).toBe('fallback x');
    expect(seen).toHaveLength(2);
    expect(seen[0]!.aborted).toBe(true);
    expect(seen[0]!.reason).toBeInstanceOf(TimeoutError);
    expect(seen[1]!.aborted).toBe(false);
    expect(seen[1]).not.toBe(seen[0]);
  });

  it("the caller's abort reaches a withSignal function", async () => {
    let seen: AbortSignal | undefined;
    const g = guard(
      withSignal(
        ({ signal }, _p: string) =>
          new Promise<string>((_resolve, reject) => {
            seen = signal;
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      ),
      { ...base, name: 'ws2' },
    );
    const controller = new AbortController();
    const pending = g.with({ signal: controller.signal })('x');
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    expect(seen!.aborted).toBe(true);
  });

  it('callSignal() after the first await throws a TypeError that says how to fix it, instead of a dead signal', async () => {
    const g = guard(
      async (_p: string) => {
        await Promise.resolve();
        callSignal();
        return 'never';
      },
      { ...base, name: 'ws3' },
    );
    await expect(g('x')).rejects.toThrow(/callSignal\(\) was called outside the synchronous part.*withSignal/);
    expect(() => callSignal()).toThrow(TypeError);
  });

  it('a withSignal function called outside a guard gets a signal that never aborts', async () => {
    const f = withSignal(async ({ signal }, n: number) => (signal.aborted ? -1 : n * 2));
    expect(await f(21)).toBe(42);
  });
});

describe('timeoutMs', () => {
  it("aborts the model's callSignal() with a TimeoutError and counts a timeout; the fallback serves", async () => {
    vi.useFakeTimers();
    let seen: AbortSignal | undefined;
    const primary = (_p: string): Promise<string> =>
      new Promise((_resolve, reject) => {
        seen = callSignal();
        seen.addEventListener('abort', () => reject(seen!.reason));
      });
    const g = guard(primary, { ...base, timeoutMs: 5_000, name: 't1', fallbacks: [kind] });
    const seenOutcomes = outcomes(g);
    const pending = g('x');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toBe('kind x');
    expect(seen!.aborted).toBe(true);
    expect(seen!.reason).toBeInstanceOf(TimeoutError);
    expect(seenOutcomes).toEqual(['primary:timeout', 'kind:success']);
    expect(g.stats().calls.failed).toBe(1);
  });

  it('no timer keeps the process alive after a call returns', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const g = guard(kind, { ...base, timeoutMs: 60_000, name: 't3' });
    const before = timers();
    await g('x');
    await g.with({ signal: new AbortController().signal })('y');
    expect(timers()).toBe(before);
  });

  it('a model that ignores the signal still gets cut off at the timeout', async () => {
    vi.useFakeTimers();
    const g = guard((_p: string) => new Promise<string>(() => {}), {
      ...base,
      timeoutMs: 100,
      name: 't2',
      safeReply: 'safe',
    });
    const pending = g('x');
    await vi.advanceTimersByTimeAsync(100);
    expect(await pending).toBe('safe');
  });
});

describe('transient errors', () => {
  it('a 429 is retried before it counts; a success after it is just a success', async () => {
    let n = 0;
    const primary = vi.fn(async (p: string) => {
      if (n++ === 0) throw Object.assign(new Error('rate limited'), { status: 429 });
      return kind(p);
    });
    const g = guard(primary, {
      ...base,
      name: 'tr1',
      retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 1 },
      trip: tripFast,
      fallbacks: [async () => 'fb'],
    });
    expect(await g('x')).toBe('kind x');
    expect(primary).toHaveBeenCalledTimes(2);
    expect(g.state).toBe('closed');
    expect(g.stats().calls.failed).toBe(0);
  });

  it("a 429's Retry-After is honoured before the next attempt (seconds, ms, HTTP date)", async () => {
    vi.useFakeTimers();
    for (const [makeHeaders, waitMs] of [
      [() => ({ 'retry-after': '2' }), 2_000],
      [() => new Headers({ 'retry-after-ms': '1500' }), 1_500],
      [() => ({ 'Retry-After': new Date(Math.ceil(Date.now() / 1_000) * 1_000 + 3_000).toUTCString() }), 3_000],
    ] as const) {
      const headers = makeHeaders();
      const attempts: number[] = [];
      const primary = async (_p: string): Promise<string> => {
        attempts.push(Date.now());
        if (attempts.length === 1) throw Object.assign(new Error('rate limited'), { status: 429, headers });
        return 'ok';
      };
      const g = guard(primary, {
        ...base,
        name: 'tr-ra',
        timeoutMs: 10_000,
        retry: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 10 },
      });
      const start = Date.now();
      const pending = g('x');
      await vi.advanceTimersByTimeAsync(waitMs - 1);
      expect(attempts).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(await pending).toBe('ok');
      // Not before the provider said, and then only p-retry's own 10 ms (an HTTP date: up to a second more, its resolution).
      expect(attempts[1]! - start).toBeGreaterThanOrEqual(waitMs);
      expect(attempts[1]! - start).toBeLessThanOrEqual(
        waitMs + ('get' in headers || !('Retry-After' in headers) ? 10 : 1_010),
      );
    }
  });

  it('a Retry-After longer than the attempt timeout is not waited for: the fallback serves at once', async () => {
    vi.useFakeTimers();
    const primary = vi.fn(async (_p: string): Promise<string> => {
      throw Object.assign(new Error('rate limited'), { status: 429, headers: { 'retry-after': '120' } });
    });
    const g = guard(primary, { ...base, name: 'tr-ra2', timeoutMs: 5_000, fallbacks: [kind] });
    const pending = g('x');
    await vi.advanceTimersByTimeAsync(0);
    expect(await pending).toBe('kind x');
    expect(primary).toHaveBeenCalledTimes(1);
  });

  it('rate limiting is availability, never safety evidence: 429s after retries never trip the breaker', async () => {
    const outcomesSeen: string[] = [];
    const g = guard(
      async (_p: string): Promise<string> => {
        throw Object.assign(new Error('rate limited'), { status: 429 });
      },
      { ...base, name: 'tr-ra3', retry: false, trip: tripFast, fallbacks: [kind] },
    );
    g.on('outcome', (o) => outcomesSeen.push(`${o.route}:${o.outcome}`));
    for (let i = 0; i < 20; i++) expect(await g('x')).toBe('kind x');
    expect(g.state).toBe('closed');
    expect(g.stats().policies[0]!.calls).toBe(0);
    expect(outcomesSeen.slice(0, 2)).toEqual(['primary:rejected', 'kind:success']);
  });

  it('a caller error (400) is rethrown at once: no retry, no fallback, not counted', async () => {
    const bad = Object.assign(new Error('bad request'), { status: 400 });
    const primary = vi.fn(async (_p: string): Promise<string> => Promise.reject(bad));
    const fallback = vi.fn(kind);
    const g = guard(primary, {
      ...base,
      name: 'tr2',
      retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 1 },
      trip: tripFast,
      fallbacks: [fallback],
    });
    await expect(g('x')).rejects.toBe(bad);
    expect(primary).toHaveBeenCalledTimes(1);
    expect(fallback).not.toHaveBeenCalled();
    expect(g.state).toBe('closed');
  });

  it('retries back off from the first retry on: minTimeoutMs, then doubled', async () => {
    vi.useFakeTimers();
    const attempts: number[] = [];
    const primary = async (_p: string): Promise<string> => {
      attempts.push(Date.now());
      throw Object.assign(new Error('rate limited'), { status: 429 });
    };
    const g = guard(primary, {
      ...base,
      name: 'tr5',
      retry: { retries: 2, minTimeoutMs: 100, maxTimeoutMs: 1_000 },
      safeReply: 'safe',
    });
    const start = Date.now();
    const pending = g('x');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await pending).toBe('safe');
    expect(attempts.map((t) => t - start)).toEqual([0, 100, 300]);
  });

  it('a transient non-Error (a thrown Response-like object) is retried, and rethrown unchanged in the end', async () => {
    const thrown = { status: 503, statusText: 'Service Unavailable' };
    let n = 0;
    const flaky = guard(async (_p: string): Promise<string> => (n++ < 2 ? Promise.reject(thrown) : 'ok'), {
      ...base,
      name: 'tr6',
      retry: { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 1 },
    });
    expect(await flaky('x')).toBe('ok');
    expect(n).toBe(3);
    const down = guard(async (_p: string): Promise<string> => Promise.reject(thrown), {
      ...base,
      name: 'tr7',
      retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 1 },
    });
    await expect(down('x')).rejects.toBe(thrown);
  });

  it('an abort during the retry back-off ends the call at once and is not counted', async () => {
    const primary = vi.fn(async (_p: string): Promise<string> =>
      Promise.reject(Object.assign(new Error('busy'), { status: 503 })),
    );
    const fallback = vi.fn(kind);
    const g = guard(primary, {
      ...base,
      name: 'tr4',
      retry: { retries: 3, minTimeoutMs: 60_000, maxTimeoutMs: 60_000 },
      fallbacks: [fallback],
    });
    const controller = new AbortController();
    const pending = g.with({ signal: controller.signal })('x');
    while (primary.mock.calls.length === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const started = Date.now();
    controller.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    expect(Date.now() - started).toBeLessThan(10_000); // not after the 60 s back-off
    expect(primary).toHaveBeenCalledTimes(1);
    expect(fallback).not.toHaveBeenCalled();
    expect(g.stats().calls.failed).toBe(0);
  });

  it('persistent 500s exhaust the retries, count once, and go to the fallback', async () => {
    const primary = vi.fn(async (_p: string): Promise<string> =>
      Promise.reject(Object.assign(new Error('oops'), { status: 500 })),
    );
    const g = guard(primary, {
      ...base,
      name: 'tr3',
      retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 1 },
      fallbacks: [kind],
    });
    expect(await g('x')).toBe('kind x');
    expect(primary).toHaveBeenCalledTimes(3);
    expect(g.stats().calls.failed).toBe(1);
  });
});

describe('error guards across package copies', () => {
  it('recognise an error branded by another copy of the package, and nothing else', () => {
    const brand = Symbol.for('safety-breaker.error');
    const fromOtherCopy = Object.assign(new Error('open'), { code: 'SAFETY_BREAKER_OPEN', retryAfterMs: 5 });
    Object.defineProperty(fromOtherCopy, brand, { value: 'SAFETY_BREAKER_OPEN' });
    expect(isBreakerOpenError(fromOtherCopy)).toBe(true);
    expect(isSafetyBreakerError(fromOtherCopy)).toBe(true);
    expect(isOutputBlockedError(fromOtherCopy)).toBe(false);
    // A look-alike without the brand is not ours.
    expect(isBreakerOpenError({ code: 'SAFETY_BREAKER_OPEN' })).toBe(false);
    expect(isBreakerOpenError(null)).toBe(false);
    expect(isBreakerOpenError('SAFETY_BREAKER_OPEN')).toBe(false);
    expect(isBreakerOpenError(new BreakerOpenError('x', 'open', 1))).toBe(true);
  });
});
