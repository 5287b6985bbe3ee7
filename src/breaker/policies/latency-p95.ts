import { record, type Saved } from '../saved-state.js';
import { SlidingQuantiles } from '../quantile-sketch.js';
import type { WindowSpec } from '../window.js';
import type { Observation, PolicySnapshot, TripDecision, TripPolicy } from './types.js';

export interface LatencyQuantilePolicyOptions {
  /** Trip when the window's latency quantile exceeds this many milliseconds. */
  readonly thresholdMs: number;
  /** The quantile, default 0.95 (p95). */
  readonly quantile: number;
  /** Never trip with fewer calls than this in the window. */
  readonly minimumCalls: number;
  readonly window: WindowSpec;
  /** Relative accuracy of the quantile sketch (default 0.01: ±1 %). */
  readonly relativeAccuracy: number;
}

/**
 * Trips when a latency quantile (p95 by default) over the window exceeds a threshold. Failed
 * calls count with their duration (a timeout is a long call). Memory is fixed: a log-binned
 * sketch of a few hundred bins, plus two bytes per call for a count window.
 */
export class LatencyQuantilePolicy implements TripPolicy {
  readonly name = 'latency-p95';
  private readonly sketch: SlidingQuantiles;
  private readonly label: string;

  constructor(private readonly options: LatencyQuantilePolicyOptions) {
    this.sketch = new SlidingQuantiles(options.window, { relativeAccuracy: options.relativeAccuracy });
    this.label = `p${+(options.quantile * 100).toFixed(2)}`;
  }

  observe(observation: Observation): TripDecision | undefined {
    this.sketch.record(observation.latencyMs, observation.now);
    const calls = this.sketch.count(observation.now);
    if (calls < this.options.minimumCalls) return undefined;
    const value = this.sketch.quantile(this.options.quantile, observation.now);
    if (!(value > this.options.thresholdMs)) return undefined;
    return {
      policy: this.name,
      reason: `${this.label} latency of the last ${calls} calls is ${Math.round(value)} ms (> ${this.options.thresholdMs} ms)`,
      details: { calls, latencyMs: value, quantile: this.options.quantile, thresholdMs: this.options.thresholdMs },
    };
  }

  snapshot(now: number): PolicySnapshot {
    const calls = this.sketch.count(now);
    return {
      policy: this.name,
      calls,
      value: calls === 0 ? 0 : this.sketch.quantile(this.options.quantile, now),
      threshold: this.options.thresholdMs,
    };
  }

  reset(): void {
    this.sketch.reset();
  }

  save(): Saved {
    return { sketch: this.sketch.save() };
  }

  restore(state: unknown): void {
    this.sketch.restore(record(state, 'latency-p95 policy').sketch);
  }
}
