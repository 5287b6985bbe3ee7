import { Registry, register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { guard } from '../../src/index.js';
import { marker } from './helpers.js';

const base = { retry: false as const, timeoutMs: 0, detectors: [marker()] };
const line = (text: string, series: string): number | undefined => {
  const found = text.split('\n').find((l) => l.startsWith(`${series} `));
  return found === undefined ? undefined : Number(found.slice(series.length + 1));
};

describe('metrics on the app registry', () => {
  it('after a trip: state, transitions, calls by route and outcome, detector verdicts, blocked outputs', async () => {
    const registry = new Registry();
    let toxic = false;
    const g = guard(async (): Promise<string> => (toxic ? 'TOXIC' : 'fine'), {
      ...base,
      name: 'x',
      registry,
      fallbacks: [{ name: 'backup', run: async () => 'backup' }],
      trip: { policy: 'rate', threshold: 0.6, minimumCalls: 2 },
    });
    let text = await registry.metrics();
    expect(line(text, 'safety_breaker_state{breaker="x",state="closed"}')).toBe(1);
    expect(line(text, 'safety_breaker_state{breaker="x",state="open"}')).toBe(0);
    // Every route × blocking detector starts at 0, so increase() counts the first blocked output.
    expect(line(text, 'safety_breaker_blocked_outputs_total{breaker="x",route="primary",detector="marker"}')).toBe(0);
    expect(line(text, 'safety_breaker_blocked_outputs_total{breaker="x",route="backup",detector="marker"}')).toBe(0);

    await g();
    toxic = true;
    await g();
    await g();
    expect(g.state).toBe('open');
    await g(); // served by the fallback; the primary is rejected

    text = await registry.metrics();
    expect(line(text, 'safety_breaker_state{breaker="x",state="open"}')).toBe(1);
    expect(line(text, 'safety_breaker_state{breaker="x",state="closed"}')).toBe(0);
    expect(line(text, 'safety_breaker_transitions_total{breaker="x",from="closed",to="open"}')).toBe(1);
    expect(line(text, 'safety_breaker_calls_total{breaker="x",route="primary",outcome="success"}')).toBe(1);
    expect(line(text, 'safety_breaker_calls_total{breaker="x",route="primary",outcome="blocked"}')).toBe(2);
    expect(line(text, 'safety_breaker_calls_total{breaker="x",route="primary",outcome="rejected"}')).toBe(1);
    expect(line(text, 'safety_breaker_calls_total{breaker="x",route="backup",outcome="success"}')).toBe(3);
    expect(line(text, 'safety_breaker_detector_evaluations_total{breaker="x",detector="marker",verdict="block"}')).toBe(
      2,
    );
    expect(line(text, 'safety_breaker_detector_evaluations_total{breaker="x",detector="marker",verdict="pass"}')).toBe(
      4,
    );
    expect(line(text, 'safety_breaker_blocked_outputs_total{breaker="x",route="primary",detector="marker"}')).toBe(2);
    expect(text).toMatch(/safety_breaker_call_duration_seconds_count\{breaker="x",route="primary"\} \d+/);
    expect(text).toMatch(/safety_breaker_detector_duration_seconds_count\{breaker="x",detector="marker"\} 6/);
    // Prompts and outputs never become labels.
    expect(text).not.toContain('TOXIC');
  });

  it('detector errors are counted with the error verdict', async () => {
    const registry = new Registry();
    const g = guard(async () => 'x', {
      ...base,
      name: 'e',
      registry,
      detectors: [
        {
          name: 'broken',
          detect() {
            throw new Error('bug');
          },
        },
      ],
    });
    await g();
    expect(
      line(
        await registry.metrics(),
        'safety_breaker_detector_evaluations_total{breaker="e",detector="broken",verdict="error"}',
      ),
    ).toBe(1);
  });

  it('without a registry nothing is registered in the global registry', async () => {
    const before = (await globalRegistry.getMetricsAsJSON()).map((m) => m.name);
    const g = guard(async () => 'TOXIC', { ...base, name: 'no-registry', safeReply: 'safe' });
    await g();
    g.forceOpen('test');
    await g();
    const after = (await globalRegistry.getMetricsAsJSON()).map((m) => m.name);
    expect(after).toEqual(before);
    expect(after.some((n) => n.startsWith('safety_breaker_'))).toBe(false);
  });

  it('two guards on one registry share the families without throwing', async () => {
    const registry = new Registry();
    const a = guard(async () => 'a', { ...base, name: 'a', registry });
    const b = guard(async () => 'b', { ...base, name: 'b', registry });
    // A second guard with the same name (e.g. after a hot reload) does not throw either.
    const a2 = guard(async () => 'a', { ...base, name: 'a', registry });
    await Promise.all([a(), b(), a2()]);
    const text = await registry.metrics();
    expect(text.match(/^# TYPE safety_breaker_calls_total counter$/gm)).toHaveLength(1);
    expect(line(text, 'safety_breaker_calls_total{breaker="a",route="primary",outcome="success"}')).toBe(2);
    expect(line(text, 'safety_breaker_calls_total{breaker="b",route="primary",outcome="success"}')).toBe(1);
  });
});
