import { describe, expect, it } from 'vitest';
import { latency } from '../../src/detectors/latency.js';
import { guard } from '../../src/guard.js';
import type { Observation, TripPolicy } from '../../src/breaker/policies/types.js';

const input = (latencyMs: number) => ({
  text: '',
  output: undefined,
  latencyMs,
  route: 'primary',
  breaker: 'b',
  context: {},
});

describe('latency()', () => {
  it('flags calls at or past slowMs with score 1 and never blocks', () => {
    const d = latency({ slowMs: 1_000 });
    expect(d.name).toBe('latency');
    const slow = d.detect(input(1_000));
    expect(slow).toMatchObject({ detector: 'latency', score: 1, flagged: true, slow: true });
    expect(slow.blocked).toBeFalsy();
    expect(slow.reason).toMatch(/1000 ms/);
    expect(d.detect(input(60_000)).score).toBe(1);
  });

  it('scores faster calls as the fraction of slowMs, unflagged', () => {
    const d = latency({ slowMs: 1_000 });
    expect(d.detect(input(250))).toEqual({ detector: 'latency', score: 0.25, flagged: false });
    expect(d.detect(input(0))).toEqual({ detector: 'latency', score: 0, flagged: false });
    expect(d.detect(input(-5)).score).toBe(0);
  });

  it('rejects bad options with a TypeError naming slowMs', () => {
    expect(() => latency({ slowMs: 0 })).toThrow(TypeError);
    expect(() => latency({ slowMs: -1 })).toThrow(/slowMs/);
    expect(() => latency({} as never)).toThrow(/slowMs/);
    expect(() => latency({ slowMs: 10, slow: 1 } as never)).toThrow(/unknown option "slow"/);
  });

  it('marks the calls it flags as slow for every trip policy (Observation.slow)', async () => {
    const seen: boolean[] = [];
    const watcher: TripPolicy = {
      name: 'slow-watcher',
      observe: (o: Observation) => void seen.push(o.slow),
      snapshot: () => ({ policy: 'slow-watcher', calls: seen.length, value: 0, threshold: 1 }),
      reset: () => undefined,
    };
    let now = 0;
    const model = async (ms: number) => {
      now += ms;
      return 'answer';
    };
    const g = guard(model, { name: 'slow', detectors: [latency({ slowMs: 100 })], trip: [watcher], clock: () => now });
    await g(10);
    await g(500);
    expect(seen).toEqual([false, true]);
    g.dispose();
  });
});
