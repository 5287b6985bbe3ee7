import { describe, expect, it, vi } from 'vitest';
import { BreakerOpenError, guard, type GuardEvents, type GuardOptions } from '../../src/index.js';
import { marker, switchableModel, virtualClock } from './helpers.js';

type Fn = (prompt: string) => Promise<string>;

function setup(overrides: Partial<GuardOptions<Fn>> = {}) {
  const clock = virtualClock();
  const model = switchableModel();
  const fallback = vi.fn(async (prompt: string) => `fallback reply to ${prompt}`);
  const g = guard(model.fn, {
    name: 'chat',
    detectors: [marker()],
    fallbacks: [fallback],
    trip: { policy: 'rate', threshold: 0.5, minimumCalls: 4, window: { kind: 'count', size: 10 } },
    recovery: { afterMs: 1_000, backoff: 2, capMs: 3_000, probes: 2 },
    retry: false,
    timeoutMs: 0,
    clock: clock.now,
    ...overrides,
  });
  const events: { [K in keyof GuardEvents]?: GuardEvents[K][] } = {};
  for (const name of ['trip', 'half-open', 'close', 'forced-open', 'block', 'transition'] as const) {
    events[name] = [];
    g.on(name, (e) => (events[name] as unknown[]).push(e));
  }
  return { g, clock, model, fallback, events };
}

async function trip(s: ReturnType<typeof setup>): Promise<void> {
  s.model.toxic = true;
  for (let i = 0; i < 4; i++) await s.g('p');
  expect(s.g.state).toBe('open');
}

describe('guard state machine', () => {
  it('stays closed while the primary is healthy', async () => {
    const s = setup();
    for (let i = 0; i < 20; i++) expect(await s.g(`q${i}`)).toBe(`kind reply to q${i}`);
    expect(s.g.state).toBe('closed');
    expect(s.fallback).not.toHaveBeenCalled();
    expect(s.g.stats().calls).toMatchObject({ total: 20, servedByPrimary: 20, servedByFallback: 0 });
  });

  it('closed → open when the policy trips; the trip event carries the decision', async () => {
    const s = setup();
    s.model.toxic = true;
    for (let i = 0; i < 3; i++) {
      expect(await s.g('p')).toBe('fallback reply to p'); // blocked outputs go to the fallback
      expect(s.g.state).toBe('closed'); // below minimumCalls
    }
    await s.g('p');
    expect(s.g.state).toBe('open');
    expect(s.events.trip).toHaveLength(1);
    expect(s.events.trip![0]).toMatchObject({
      breaker: 'chat',
      from: 'closed',
      openForMs: 1_000,
      at: 0,
      decision: { policy: 'rate', details: { calls: 4, bad: 4 } },
    });
    expect(s.g.stats()).toMatchObject({ trips: 1, state: 'open', retryAfterMs: 1_000 });
  });

  it('while open, fallbacks serve and the primary is not called', async () => {
    const s = setup();
    await trip(s);
    const before = s.model.calls;
    s.model.toxic = false;
    s.clock.advance(999);
    expect(await s.g('x')).toBe('fallback reply to x');
    expect(s.model.calls).toBe(before);
    expect(s.g.stats().retryAfterMs).toBe(1);
  });

  it('open → half-open after recovery.afterMs; k passing probes close it', async () => {
    const s = setup();
    await trip(s);
    s.model.toxic = false;
    s.clock.advance(1_000);
    expect(s.g.state).toBe('half-open');
    expect(s.events['half-open']).toHaveLength(1);
    expect(await s.g('probe1')).toBe('kind reply to probe1');
    expect(s.g.state).toBe('half-open'); // 1 of 2
    expect(await s.g('probe2')).toBe('kind reply to probe2');
    expect(s.g.state).toBe('closed');
    expect(s.events.close![0]).toMatchObject({ from: 'half-open', reason: '2 of 2 probes passed' });
    expect(s.events.transition!.map((t) => t.to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('one failing probe reopens, with the delay ×backoff up to capMs', async () => {
    const s = setup();
    await trip(s); // open for 1 000
    const openFor: number[] = [];
    for (let i = 0; i < 4; i++) {
      s.clock.advance(s.g.stats().retryAfterMs);
      expect(s.g.state).toBe('half-open');
      expect(await s.g('probe')).toBe('fallback reply to probe'); // the toxic probe is blocked too
      expect(s.g.state).toBe('open');
      openFor.push(s.events.trip!.at(-1)!.openForMs);
    }
    expect(openFor).toEqual([2_000, 3_000, 3_000, 3_000]);
    expect(s.events.trip!.at(-1)!.decision.policy).toBe('probe');
  });

  it('a probe that passes the first time but fails the second reopens', async () => {
    const s = setup();
    await trip(s);
    s.model.toxic = false;
    s.clock.advance(1_000);
    await s.g('probe1');
    s.model.toxic = true;
    expect(await s.g('probe2')).toBe('fallback reply to probe2');
    expect(s.g.state).toBe('open');
  });

  it('provider errors and timeouts trip the breaker like flagged outputs', async () => {
    const clock = virtualClock();
    const fn = vi.fn(async (_p: string): Promise<string> => {
      throw Object.assign(new Error('upstream 503'), { status: 503 });
    });
    const g = guard(fn, {
      name: 'errors',
      detectors: [],
      fallbacks: [async () => 'fb'],
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 3 },
      retry: false,
      timeoutMs: 0,
      clock: clock.now,
    });
    for (let i = 0; i < 3; i++) expect(await g('p')).toBe('fb');
    expect(g.state).toBe('open');
    expect(g.stats().calls.failed).toBe(3);
  });

  it('timeouts count as bad calls and trip the breaker', async () => {
    vi.useFakeTimers();
    try {
      const g = guard((_p: string) => new Promise<string>(() => {}), {
        name: 'timeouts',
        detectors: [],
        fallbacks: [async () => 'fb'],
        trip: { policy: 'rate', threshold: 0.5, minimumCalls: 2 },
        retry: false,
        timeoutMs: 50,
      });
      const calls = [g('a'), g('b')];
      await vi.advanceTimersByTimeAsync(50);
      expect(await Promise.all(calls)).toEqual(['fb', 'fb']);
      expect(g.state).toBe('open');
      expect(g.stats().calls.failed).toBe(2);
      g.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('forced-open: fallbacks serve however long, until reset', async () => {
    const s = setup();
    const forced: GuardEvents['forced-open'][] = s.events['forced-open']!;
    s.g.forceOpen('incident 42');
    expect(forced[0]).toMatchObject({ breaker: 'chat', reason: 'incident 42' });
    s.clock.advance(1e9);
    expect(s.g.state).toBe('forced-open');
    expect(await s.g('x')).toBe('fallback reply to x');
    expect(s.model.calls).toBe(0);
    s.g.reset('incident resolved');
    expect(s.g.state).toBe('closed');
    expect(await s.g('x')).toBe('kind reply to x');
    expect(() => s.g.forceOpen('')).toThrow(TypeError);
  });

  it('forced-open without a fallback throws BreakerOpenError', async () => {
    const s = setup({ fallbacks: [] });
    s.g.forceOpen('drill');
    const error = await s.g('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(error).toMatchObject({ code: 'SAFETY_BREAKER_OPEN', state: 'forced-open', breaker: 'chat' });
  });

  it('reset forgets backoff and windows', async () => {
    const s = setup();
    await trip(s);
    s.clock.advance(1_000);
    await s.g('probe'); // fails: open for 2 000
    s.g.reset();
    expect(s.g.state).toBe('closed');
    // Three toxic calls do not trip: the window was cleared.
    for (let i = 0; i < 3; i++) await s.g('p');
    expect(s.g.state).toBe('closed');
    await s.g('p');
    expect(s.events.trip!.at(-1)!.openForMs).toBe(1_000);
  });

  it('disabled: calls pass straight through, no detector runs, no fallback, no trip', async () => {
    const detect = vi.fn(marker().detect);
    const s = setup({ mode: 'disabled', detectors: [{ name: 'marker', detect }] });
    s.model.toxic = true;
    for (let i = 0; i < 10; i++) expect(await s.g('p')).toBe('TOXIC reply to p');
    expect(detect).not.toHaveBeenCalled();
    expect(s.fallback).not.toHaveBeenCalled();
    expect(s.g.state).toBe('disabled');
    s.g.setMode('enforce');
    expect(s.g.state).toBe('closed');
    expect(await s.g('p')).toBe('fallback reply to p');
  });

  it('shadow: detects, records and transitions, but never switches traffic and returns blocked outputs', async () => {
    const s = setup({ mode: 'shadow' });
    s.model.toxic = true;
    for (let i = 0; i < 6; i++) expect(await s.g('p')).toBe('TOXIC reply to p');
    expect(s.g.state).toBe('open');
    expect(s.events.trip).toHaveLength(1);
    expect(s.events.block!.length).toBe(6);
    expect(s.events.block!.every((b) => b.shadow)).toBe(true);
    expect(s.fallback).not.toHaveBeenCalled();
    expect(s.model.calls).toBe(6); // the primary kept serving while "open"
    expect(s.g.stats().calls).toMatchObject({ blocked: 6, servedByPrimary: 6, servedByFallback: 0 });
    // Recovery is still tracked: half-open after the delay, probes close it.
    s.model.toxic = false;
    s.clock.advance(1_000);
    await s.g('a');
    await s.g('b');
    expect(s.g.state).toBe('closed');
  });

  it('a shadow trip says "would have opened": the trip event and the log carry shadow, never containment', async () => {
    const lines: { level: string; msg: string; shadow?: boolean }[] = [];
    const log = (level: string) => (obj: { shadow?: boolean }, msg: string) => lines.push({ level, msg, ...obj });
    const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    const s = setup({ mode: 'shadow', logger });
    await trip(s);
    expect(s.events.trip![0]!.shadow).toBe(true);
    const opened = lines.find((l) => l.msg.includes('open'));
    expect(opened).toMatchObject({ level: 'info', shadow: true });
    expect(opened!.msg).toMatch(/would be open \(shadow mode: traffic unchanged\)/);
    expect(lines.some((l) => l.level === 'warn' && l.msg.includes('opened'))).toBe(false);
  });

  it('shadow → enforce starts from closed: a shadow trip never cuts the primary at the switch', async () => {
    const s = setup({ mode: 'shadow' });
    await trip(s);
    s.model.toxic = false;
    s.g.setMode('enforce', 'rollout done');
    expect(s.g.state).toBe('closed');
    expect(s.g.stats().policies[0]!.calls).toBe(0);
    expect(await s.g('x')).toBe('kind reply to x');
    // A trip under enforce is a real one.
    await trip(s);
    expect(s.events.trip!.at(-1)!.shadow).toBe(false);
    expect(await s.g('y')).toBe('fallback reply to y');
  });

  it('the kill switch moves traffic even from shadow or disabled mode (it switches the breaker to enforce)', async () => {
    for (const mode of ['shadow', 'disabled'] as const) {
      const s = setup({ mode });
      s.g.forceOpen('incident 42');
      expect(s.g.mode).toBe('enforce');
      expect(s.g.state).toBe('forced-open');
      expect(await s.g('x')).toBe('fallback reply to x');
    }
  });

  it('a recovery delay above the default cap is honoured, not silently cut to 5 minutes', async () => {
    const s = setup({ recovery: { afterMs: 600_000 } });
    await trip(s);
    expect(s.events.trip![0]!.openForMs).toBe(600_000);
    expect(s.g.stats().retryAfterMs).toBe(600_000);
  });

  it('a cap below the recovery delay stops the backoff but never shortens the delay', async () => {
    const s = setup({ recovery: { afterMs: 60_000, capMs: 30_000, probes: 1 } });
    await trip(s);
    s.clock.advance(60_000);
    await s.g('probe'); // still toxic: reopens
    expect(s.events.trip!.map((t) => t.openForMs)).toEqual([60_000, 60_000]);
  });

  it('setMode rejects unknown modes', () => {
    const s = setup();
    expect(() => s.g.setMode('off' as never)).toThrow(/mode must be/);
  });
});
