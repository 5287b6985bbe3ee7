import { record, type Saved } from '../saved-state.js';
import { createWindow, type OutcomeWindow, type WindowSpec } from '../window.js';
import type { Observation, PolicySnapshot, TripDecision, TripPolicy } from './types.js';

export interface RatePolicyOptions {
  /** Trip when the share of bad calls (flagged or failed) in the window reaches this, in (0, 1]. */
  readonly threshold: number;
  /** Never trip with fewer calls than this in the window. */
  readonly minimumCalls: number;
  readonly window: WindowSpec;
}

/** Raw bad-call rate over a window with a minimum number of calls (as opossum and resilience4j do). */
export class RatePolicy implements TripPolicy {
  readonly name = 'rate';
  private readonly window: OutcomeWindow;

  constructor(private readonly options: RatePolicyOptions) {
    this.window = createWindow(options.window);
  }

  observe(observation: Observation): TripDecision | undefined {
    this.window.record(observation, observation.now);
    const { calls, bad } = this.window.totals(observation.now);
    if (calls < this.options.minimumCalls || bad / calls < this.options.threshold) return undefined;
    const ratio = bad / calls;
    return {
      policy: this.name,
      reason: `${bad} of the last ${calls} calls were flagged or failed (${pct(ratio)} ≥ ${pct(this.options.threshold)})`,
      details: { calls, bad, ratio, threshold: this.options.threshold },
    };
  }

  snapshot(now: number): PolicySnapshot {
    const { calls, bad } = this.window.totals(now);
    return { policy: this.name, calls, value: calls === 0 ? 0 : bad / calls, threshold: this.options.threshold };
  }

  reset(): void {
    this.window.reset();
  }

  save(): Saved {
    return { window: this.window.save() };
  }

  restore(state: unknown): void {
    this.window.restore(record(state, 'rate policy').window);
  }
}

export const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 2 : 1)} %`;
