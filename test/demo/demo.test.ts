import { describe, expect, it } from 'vitest';
import { runDemo } from '../../demo/run-demo.js';

describe('demo (npm start)', () => {
  it('trips to the fallback during the incident, recovers after it, and keeps toxic replies from every client', async () => {
    let text = '';
    const summary = await runDemo({ durationMs: 8_000, out: { write: (chunk: string) => (text += chunk) }, env: {} });

    expect(summary.primary).toBe('simulated');
    expect(summary.trips).toBeGreaterThanOrEqual(1);
    expect(summary.recoveries).toBeGreaterThanOrEqual(1);
    expect(summary.timeToDetectMs).toBeGreaterThanOrEqual(0);
    expect(summary.timeToRecoverMs).toBeGreaterThanOrEqual(0);
    expect(summary.servedByFallback).toBeGreaterThan(0);
    expect(summary.blocked).toBeGreaterThan(0);
    expect(summary.toxicDelivered).toBe(0);
    expect(summary.failed).toBe(0);
    // The timeline shows the trip and the recovery, without colour codes when the output is not a TTY.
    expect(text).toMatch(/TRIP {7}closed -> open: .*time to detect \d+\.\d s/);
    expect(text).toMatch(/CLOSED {5}\d of 3 probes passed.*time to recover \d+\.\d s/);
    expect(text).toContain(summary.metricsUrl);
    expect(text).not.toContain('\u001b[');
    // /metrics was served by the guard's registry while the demo ran.
    expect(
      summary.metricsSample.some((l) =>
        l.startsWith('safety_breaker_transitions_total{breaker="demo-chat",from="closed",to="open"}'),
      ),
    ).toBe(true);
  }, 15_000);
});
