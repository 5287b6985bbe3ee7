import { normalQuantile, wilsonLowerBound } from '../stats.js';
import { record, type Saved } from '../saved-state.js';
import { createWindow, type OutcomeWindow, type WindowSpec } from '../window.js';
import { pct } from './rate.js';
import type { Observation, PolicySnapshot, TripDecision, TripPolicy } from './types.js';

export interface WilsonPolicyOptions {
  /** Trip when we are `confidence` sure the bad-call rate is above this, in (0, 1). */
  readonly threshold: number;
  /** One-sided confidence of the lower bound, e.g. 0.95. */
  readonly confidence: number;
  readonly minimumCalls: number;
  readonly window: WindowSpec;
}

/**
 * Trips when the Wilson lower bound of the bad-call rate exceeds the threshold: a handful of
 * bad calls at low volume is not enough evidence. Use it for "trip when we are confident the
 * rate is above X %" with X well above the model's normal rate.
 */
export class WilsonPolicy implements TripPolicy {
  readonly name = 'wilson';
  private readonly window: OutcomeWindow;
  private readonly z: number;

  constructor(private readonly options: WilsonPolicyOptions) {
    this.window = createWindow(options.window);
    this.z = normalQuantile(options.confidence);
  }

  observe(observation: Observation): TripDecision | undefined {
    this.window.record(observation, observation.now);
    const { calls, bad } = this.window.totals(observation.now);
    if (calls < this.options.minimumCalls || bad / calls <= this.options.threshold) return undefined;
    const lower = wilsonLowerBound(bad, calls, this.z);
    if (lower <= this.options.threshold) return undefined;
    return {
      policy: this.name,
      reason: `${bad} of the last ${calls} calls were flagged or failed; the ${pct(this.options.confidence)} lower bound ${pct(lower)} > ${pct(this.options.threshold)}`,
      details: {
        calls,
        bad,
        ratio: bad / calls,
        lowerBound: lower,
        threshold: this.options.threshold,
        confidence: this.options.confidence,
      },
    };
  }

  snapshot(now: number): PolicySnapshot {
    const { calls, bad } = this.window.totals(now);
    return { policy: this.name, calls, value: wilsonLowerBound(bad, calls, this.z), threshold: this.options.threshold };
  }

  reset(): void {
    this.window.reset();
  }

  save(): Saved {
    return { window: this.window.save() };
  }

  restore(state: unknown): void {
    this.window.restore(record(state, 'wilson policy').window);
  }
}
