import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { HotPathDetector } from '../../src/detectors/types.js';
import { guard } from '../../src/guard.js';

const marker: HotPathDetector = {
  name: 'marker',
  detect: ({ text }) => ({
    detector: 'marker',
    score: text.includes('BAD') ? 1 : 0,
    flagged: text.includes('BAD'),
    blocked: text.includes('BAD'),
  }),
};
const until = (g: { on: (e: 'probe-suite', l: (p: { passed: boolean; reason?: string }) => void) => () => void }) =>
  new Promise<{ passed: boolean; reason?: string }>((resolve) => {
    const off = g.on('probe-suite', (p) => {
      off();
      resolve(p);
    });
  });

describe('default trip policies', () => {
  it('a guard without `trip` runs the self-starting CUSUM plus the Wilson backstop, and trips a gross failure during the warm-up', async () => {
    let bad = false;
    const g = guard(async (): Promise<string> => (bad ? 'BAD' : 'fine'), {
      name: 'default-trip',
      detectors: [marker],
      fallbacks: [async () => 'fb'],
      retry: false,
      timeoutMs: 0,
    });
    for (let i = 0; i < 200; i++) await g();
    expect(g.stats().policies.map((p) => [p.policy, p.calls])).toEqual([
      ['cusum', 200], // still learning p0 (50 000-call warm-up), and watching
      ['wilson', 100],
    ]);
    bad = true;
    let calls = 0;
    while (g.state === 'closed' && calls < 100) {
      await g();
      calls++;
    }
    expect(g.state).toBe('open');
    // The CUSUM, against the 1 % ceiling while it has seen too few bad calls to learn from, is first.
    expect(g.stats().lastTransition?.decision?.policy).toBe('cusum');
    expect(calls).toBeLessThan(20);
    g.dispose();
  });
});

describe('detection delay telemetry', () => {
  it('a CUSUM trip carries time to detect in calls and seconds, in the event, stats and metrics', async () => {
    let now = 0;
    let bad = false;
    const registry = new Registry();
    const g = guard(async (): Promise<string> => (bad ? 'BAD' : 'fine'), {
      name: 'delay',
      detectors: [marker],
      trip: { policy: 'cusum', p0: 0.01, p1: 0.2, falseTripEvery: 1e4 },
      fallbacks: [async () => 'fb'],
      retry: false,
      timeoutMs: 0,
      registry,
      clock: () => now,
    });
    const delays: unknown[] = [];
    g.on('trip', (t) => delays.push(t.detectionDelay));
    for (let i = 0; i < 50; i++) {
      now += 1_000;
      await g();
    }
    bad = true;
    const onset = now + 1_000;
    let calls = 0;
    while (g.state === 'closed') {
      now += 1_000;
      calls++;
      await g();
    }
    expect(delays).toEqual([{ policy: 'cusum', calls, seconds: (now - onset) / 1000 }]);
    expect(g.stats().lastDetectionDelay).toEqual({ policy: 'cusum', calls, seconds: (now - onset) / 1000 });
    const text = await registry.metrics();
    expect(text).toMatch(
      new RegExp(
        `safety_breaker_detection_delay_seconds_sum\\{breaker="delay",policy="cusum"\\} ${(now - onset) / 1000}`,
      ),
    );
    expect(text).toMatch(
      new RegExp(`safety_breaker_detection_delay_calls_sum\\{breaker="delay",policy="cusum"\\} ${calls}`),
    );
    g.dispose();
  });
});

describe('half-open probe suite', () => {
  async function tripped(respond: (prompt: string) => string) {
    let now = 0;
    const seen: string[] = [];
    const g = guard(
      async (prompt: string) => {
        seen.push(prompt);
        return respond(prompt);
      },
      {
        name: 'suite',
        detectors: [marker],
        probes: [['probe one'], ['probe two']],
        trip: { policy: 'rate', threshold: 1, minimumCalls: 1 },
        recovery: { afterMs: 1_000, probes: 1 },
        fallbacks: [async () => 'fallback'],
        retry: false,
        timeoutMs: 0,
        clock: () => now,
      },
    );
    const tick = (ms: number) => (now += ms);
    return { g, seen, tick };
  }

  it('no real call reaches the primary until every probe passes; then real probes close it', async () => {
    let healthy = false;
    const { g, seen, tick } = await tripped((p) => (healthy || p.startsWith('probe') ? `ok ${p}` : 'BAD'));
    expect(await g('user 1')).toBe('fallback'); // flagged → tripped
    expect(g.state).toBe('open');
    healthy = true;
    tick(1_000);
    const suite = until(g);
    expect(await g('user 2')).toBe('fallback'); // starts the suite, goes to the fallback
    expect(await suite).toMatchObject({ passed: true });
    expect(seen).toEqual(['user 1', 'probe one', 'probe two']);
    expect(await g('user 3')).toBe('ok user 3'); // the real half-open probe
    expect(g.state).toBe('closed');
  });

  it('a flagged probe reopens the breaker with the failing probe in the reason', async () => {
    const { g, seen, tick } = await tripped((p) => (p === 'probe two' ? 'BAD' : p.startsWith('probe') ? 'ok' : 'BAD'));
    await g('user 1');
    tick(1_000);
    const suite = until(g);
    expect(await g('user 2')).toBe('fallback');
    expect(await suite).toMatchObject({ passed: false, reason: 'probe 2 of 2 was flagged by marker' });
    expect(g.state).toBe('open');
    expect(g.stats().lastTransition?.reason).toBe('probe 2 of 2 was flagged by marker');
    expect(seen).not.toContain('user 2');
  });

  it('probes can be reconfigured at run time: the next suite runs the new list; bad probes are refused and change nothing', async () => {
    const { g, seen, tick } = await tripped((p) => (p === 'probe two' ? 'BAD' : p.startsWith('probe') ? 'ok' : 'BAD'));
    await g('user 1'); // tripped
    expect(() => g.reconfigure({ probes: ['not a list'] as never })).toThrow(/probes/);
    g.reconfigure({ probes: [['probe three']] }); // drop the failing probe two
    tick(1_000);
    const suite = until(g);
    expect(await g('user 2')).toBe('fallback');
    expect(await suite).toMatchObject({ passed: true, probes: 1 });
    expect(seen).toEqual(['user 1', 'probe three']);
  });

  it('rejects a probe that is not an argument list', () => {
    expect(() => guard(async (p: string) => p, { name: 'bad-probes', probes: ['not a list'] as never })).toThrow(
      /probes/,
    );
  });
});
