import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { guard, type HotPathDetector } from '../../src/index.js';
import { packageVersion } from '../../src/telemetry/version.js';
import { needsPromtool, promtool } from './promtool.js';

const flagger = (flag: (text: string) => boolean): HotPathDetector => ({
  name: 'words',
  detect: ({ text }) => ({ detector: 'words', score: flag(text) ? 1 : 0, flagged: flag(text) }),
});

function tripped(registry: Registry) {
  let now = 1_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const chat = guard(async (q: string) => q, {
    name: 'chat',
    registry,
    clock: clock.now,
    retry: false,
    detectors: [flagger((t) => t.includes('bad'))],
    trip: [
      { policy: 'rate', threshold: 0.5, minimumCalls: 4, window: { kind: 'count', size: 10 } },
      { policy: 'wilson', threshold: 0.1, minimumCalls: 4 },
    ],
    recovery: { afterMs: 10_000, probes: 1 },
  });
  return { chat, clock };
}

const value = async (registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
};

describe('metrics', () => {
  it('a scrape taken after a trip passes promtool check metrics', async (ctx) => {
    needsPromtool(ctx);
    const registry = new Registry();
    const { chat } = tripped(registry);
    const backup = guard(async (q: string) => q, {
      name: 'summary',
      registry,
      detectors: [],
      fallbacks: [async (q: string) => `fallback ${q}`],
      safeReply: 'sorry',
    });
    for (const q of ['ok', 'bad', 'bad', 'bad']) await chat(q);
    expect(chat.state).toBe('open');
    await expect(chat('ok')).rejects.toThrow(/Breaker "chat" is open/);
    backup.forceOpen('drill');
    await backup('x');
    const text = await registry.metrics();
    const r = promtool(['check', 'metrics'], text);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
    expect(text).toContain('safety_breaker_state{breaker="chat",state="open"} 1');
    chat.dispose();
    backup.dispose();
  });

  it('exposes window ratio, calls and threshold per policy at scrape time, so "close to tripping" can alert', async () => {
    const registry = new Registry();
    const { chat } = tripped(registry);
    await chat('ok');
    await chat('bad');
    await chat('ok');
    expect(await value(registry, 'safety_breaker_window_calls', { breaker: 'chat', policy: 'rate' })).toBe(3);
    expect(await value(registry, 'safety_breaker_window_flag_ratio', { breaker: 'chat', policy: 'rate' })).toBeCloseTo(
      1 / 3,
      10,
    );
    expect(await value(registry, 'safety_breaker_trip_threshold_ratio', { breaker: 'chat', policy: 'rate' })).toBe(0.5);
    expect(await value(registry, 'safety_breaker_trip_threshold_ratio', { breaker: 'chat', policy: 'wilson' })).toBe(
      0.1,
    );
    // The Wilson policy reports its lower bound, below the raw ratio.
    const wilson = (await value(registry, 'safety_breaker_window_flag_ratio', { breaker: 'chat', policy: 'wilson' }))!;
    expect(wilson).toBeGreaterThan(0);
    expect(wilson).toBeLessThan(1 / 3);
    chat.dispose();
    // A disposed breaker's window series disappear.
    expect(await value(registry, 'safety_breaker_window_calls', { breaker: 'chat', policy: 'rate' })).toBeUndefined();
  });

  it('labels two policies of the same kind distinctly', async () => {
    const registry = new Registry();
    const chat = guard(async (q: string) => q, {
      name: 'chat',
      registry,
      detectors: [],
      trip: [
        { policy: 'rate', threshold: 0.5 },
        { policy: 'rate', threshold: 0.9 },
      ],
    });
    expect(await value(registry, 'safety_breaker_trip_threshold_ratio', { policy: 'rate' })).toBe(0.5);
    expect(await value(registry, 'safety_breaker_trip_threshold_ratio', { policy: 'rate-2' })).toBe(0.9);
    chat.dispose();
  });

  it('shows the lazy open → half-open move at scrape time, with the transition and its timestamp', async () => {
    const registry = new Registry();
    const { chat, clock } = tripped(registry);
    const before = Date.now() / 1000;
    for (const q of ['bad', 'bad', 'bad', 'bad']) await chat(q);
    expect(await value(registry, 'safety_breaker_state', { breaker: 'chat', state: 'open' })).toBe(1);
    expect(
      await value(registry, 'safety_breaker_last_transition_timestamp_seconds', { breaker: 'chat' }),
    ).toBeGreaterThanOrEqual(before);
    clock.advance(10_000);
    // No call happened; the scrape itself reads the state.
    expect(await value(registry, 'safety_breaker_state', { breaker: 'chat', state: 'half-open' })).toBe(1);
    expect(await value(registry, 'safety_breaker_state', { breaker: 'chat', state: 'open' })).toBe(0);
    expect(
      await value(registry, 'safety_breaker_transitions_total', { breaker: 'chat', from: 'open', to: 'half-open' }),
    ).toBe(1);
    chat.dispose();
  });

  it('counts calls not permitted and fallback results (served, safe_reply, exhausted), all initialised at 0', async () => {
    const registry = new Registry();
    let fallbackFails = false;
    const chat = guard(async (q: string) => q, {
      name: 'chat',
      registry,
      detectors: [],
      retry: false,
      fallbacks: [
        async function backup(q: string) {
          if (fallbackFails) throw new Error('backup down');
          return `backup ${q}`;
        },
      ],
    });
    const withSafeReply = guard(async (q: string) => q, { name: 'faq', registry, detectors: [], safeReply: 'sorry' });
    for (const result of ['served', 'safe_reply', 'exhausted'])
      expect(await value(registry, 'safety_breaker_fallback_calls_total', { breaker: 'chat', result })).toBe(0);
    expect(await value(registry, 'safety_breaker_calls_not_permitted_total', { breaker: 'chat' })).toBe(0);
    // The trips' series too, so increase(...{to="open"}[1h]) counts a breaker's first trip.
    for (const from of ['closed', 'half-open'])
      expect(await value(registry, 'safety_breaker_transitions_total', { breaker: 'chat', from, to: 'open' })).toBe(0);

    chat.forceOpen('drill');
    await chat('a');
    fallbackFails = true;
    await expect(chat('b')).rejects.toThrow();
    withSafeReply.forceOpen('drill');
    expect(await withSafeReply('c')).toBe('sorry');

    expect(await value(registry, 'safety_breaker_calls_not_permitted_total', { breaker: 'chat' })).toBe(2);
    expect(
      await value(registry, 'safety_breaker_calls_total', { breaker: 'chat', route: 'primary', outcome: 'rejected' }),
    ).toBe(2);
    expect(await value(registry, 'safety_breaker_fallback_calls_total', { breaker: 'chat', result: 'served' })).toBe(1);
    expect(await value(registry, 'safety_breaker_fallback_calls_total', { breaker: 'chat', result: 'exhausted' })).toBe(
      1,
    );
    expect(await value(registry, 'safety_breaker_fallback_calls_total', { breaker: 'faq', result: 'safe_reply' })).toBe(
      1,
    );
    expect(
      await value(registry, 'safety_breaker_calls_total', { breaker: 'chat', route: 'backup', outcome: 'success' }),
    ).toBe(1);
    chat.dispose();
    withSafeReply.dispose();
  });

  it('exports build info with the package version', async () => {
    const registry = new Registry();
    const chat = guard(async (q: string) => q, { name: 'chat', registry, detectors: [] });
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await value(registry, 'safety_breaker_build_info', { version: packageVersion() })).toBe(1);
    chat.dispose();
  });

  it('the alert rules pass promtool check rules and promtool test rules', (ctx) => {
    needsPromtool(ctx);
    const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
    const check = promtool(['check', 'rules', 'prometheus-alerts.yml'], undefined, docs);
    expect(check.output).toContain('SUCCESS');
    expect(check.code).toBe(0);
    const test = promtool(['test', 'rules', 'prometheus-alerts.test.yml'], undefined, docs);
    expect(test.output).toContain('SUCCESS');
    expect(test.code).toBe(0);
  });
});
