import { describe, expect, it, vi } from 'vitest';
import { HotPathRunner, type HotPathHooks } from '../../src/detectors/hot-path.js';
import type { HotPathDetector, Signal } from '../../src/detectors/types.js';
import type { BreakerMetrics } from '../../src/telemetry/metrics.js';

const input = { text: 'hello', output: 'hello', latencyMs: 1, route: 'primary', breaker: 'b', context: {} };
const signal = (detector: string, s: Partial<Signal> = {}): Signal => ({ detector, score: 0, flagged: false, ...s });
const det = (name: string, detect: HotPathDetector['detect']): HotPathDetector => ({ name, detect });

function runner(detectors: HotPathDetector[], onError: 'pass' | 'block' = 'pass', budgetMs = 5) {
  const metrics = { detector: vi.fn(), budgetOverrun: vi.fn() } as unknown as BreakerMetrics & {
    detector: ReturnType<typeof vi.fn>;
    budgetOverrun: ReturnType<typeof vi.fn>;
  };
  const hooks = { onDetectorError: vi.fn(), onBudgetExceeded: vi.fn() } satisfies HotPathHooks;
  return { r: new HotPathRunner(detectors, budgetMs, onError, metrics, hooks), metrics, hooks };
}

describe('HotPathRunner', () => {
  it('collects every signal; blocked detectors are named; flagged is set by any flag or block', () => {
    const { r, metrics } = runner([
      det('a', () => signal('a')),
      det('b', () => signal('b', { flagged: true, score: 0.5 })),
      det('c', () => signal('c', { flagged: true, blocked: true, score: 1 })),
    ]);
    const v = r.run(input);
    expect(v.signals.map((s) => s.detector)).toEqual(['a', 'b', 'c']);
    expect(v.flagged).toBe(true);
    expect(v.blockedBy).toEqual(['c']);
    expect(metrics.detector.mock.calls.map((c) => `${c[0]}:${c[1]}`)).toEqual(['a:pass', 'b:flag', 'c:block']);
  });

  it("a throwing detector with onDetectorError 'pass' lets the output pass and is reported", () => {
    const error = new Error('boom');
    const { r, hooks, metrics } = runner([
      det('bad', () => {
        throw error;
      }),
      det('good', () => signal('good')),
    ]);
    const v = r.run(input);
    expect(v.blockedBy).toEqual([]);
    expect(v.flagged).toBe(false);
    expect(hooks.onDetectorError).toHaveBeenCalledWith('bad', error, input);
    expect(metrics.detector).toHaveBeenCalledWith('bad', 'error'); // counted, with no duration: a throw is not a timing
    expect(v.signals[1]!.detector).toBe('good'); // later detectors still ran
  });

  it("a throwing detector with onDetectorError 'block' blocks the output", () => {
    const { r } = runner(
      [
        det('bad', () => {
          throw new Error('boom');
        }),
      ],
      'block',
    );
    expect(r.run(input)).toMatchObject({ flagged: true, blockedBy: ['bad'] });
  });

  it('a detector returning garbage is treated as a detector error, not a crash', () => {
    for (const garbage of [undefined, null, 42, 'yes', {}, { flagged: 'true', score: 1 }]) {
      const { r, hooks } = runner([det('junk', () => garbage as never)]);
      expect(r.run(input).blockedBy).toEqual([]);
      expect(hooks.onDetectorError).toHaveBeenCalledTimes(1);
      expect(String(hooks.onDetectorError.mock.calls[0]![1])).toMatch(/detector "junk" returned/);
    }
  });

  it('reports the budget overrun once per call, naming the detector that crossed it', () => {
    let now = 0;
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const slow = (name: string, ms: number) =>
        det(name, () => {
          now += ms;
          return signal(name);
        });
      const { r, hooks, metrics } = runner([slow('fast', 1), slow('slow', 5), slow('slower', 10)], 'pass', 5);
      r.run(input);
      expect(hooks.onBudgetExceeded).toHaveBeenCalledTimes(1);
      expect(hooks.onBudgetExceeded).toHaveBeenCalledWith('slow', 6, 5, input);
      expect(metrics.budgetOverrun).toHaveBeenCalledWith('slow');
    } finally {
      spy.mockRestore();
    }
  });
});
