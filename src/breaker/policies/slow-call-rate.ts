import { record, type Saved } from '../saved-state.js';
import { createWindow, type OutcomeWindow, type WindowSpec } from '../window.js';
import { pct } from './rate.js';
import type { Observation, PolicySnapshot, TripDecision, TripPolicy } from './types.js';

export interface SlowCallRatePolicyOptions {
  /** A call slower than this (ms) is slow, whether it succeeded or failed (a timeout is slow). */
  readonly slowCallMs: number;
  /** Trip when the share of slow calls in the window reaches this, in (0, 1]. */
  readonly threshold: number;
  /** Never trip with fewer calls than this in the window. */
  readonly minimumCalls: number;
  readonly window: WindowSpec;
}

/** Share of slow calls over a window with a minimum number of calls, as resilience4j's slow-call rate. */
export class SlowCallRatePolicy implements TripPolicy {
  readonly name = 'slow-call-rate';
  private readonly window: OutcomeWindow;

  constructor(private readonly options: SlowCallRatePolicyOptions) {
    this.window = createWindow(options.window);
  }

  observe(observation: Observation): TripDecision | undefined {
    const slow = observation.latencyMs > this.options.slowCallMs;
    this.window.record({ bad: slow, failed: observation.failed, slow }, observation.now);
    const { calls, slow: slowCalls } = this.window.totals(observation.now);
    if (calls < this.options.minimumCalls || slowCalls / calls < this.options.threshold) return undefined;
    const ratio = slowCalls / calls;
    return {
      policy: this.name,
      reason: `${slowCalls} of the last ${calls} calls took longer than ${this.options.slowCallMs} ms (${pct(ratio)} ≥ ${pct(this.options.threshold)})`,
      details: {
        calls,
        slow: slowCalls,
        ratio,
        threshold: this.options.threshold,
        slowCallMs: this.options.slowCallMs,
      },
    };
  }

  snapshot(now: number): PolicySnapshot {
    const { calls, slow } = this.window.totals(now);
    return { policy: this.name, calls, value: calls === 0 ? 0 : slow / calls, threshold: this.options.threshold };
  }

  reset(): void {
    this.window.reset();
  }

  save(): Saved {
    return { window: this.window.save() };
  }

  restore(state: unknown): void {
    this.window.restore(record(state, 'slow-call-rate policy').window);
  }
}
