import { bernoulliCusumArl, bernoulliCusumStep, bernoulliCusumThreshold, wilsonUpperBound } from '../stats.js';
import { num, record, type Saved } from '../saved-state.js';
import { pct } from './rate.js';
import type { Observation, PolicySnapshot, TripDecision, TripPolicy } from './types.js';

export interface CusumPolicyOptions {
  /** In-control bad-call rate. Omit it to learn it from the first `warmupCalls` calls (then frozen). */
  readonly p0?: number | undefined;
  /** The bad-call rate to detect quickly. Omit it to use `shift` × p0. */
  readonly p1?: number | undefined;
  /** p1 = shift × p0 when p1 is not given (default 8: designed a little below a ×10 rise, which shortens the tail of the delay to catch ×10; see docs/trip-policies.md). */
  readonly shift: number;
  /** Target in-control average run length: at most one false trip per this many calls on average (default 10⁸). */
  readonly falseTripEvery: number;
  /** Calls used to learn p0 when it is not configured (default 50 000). The policy never trips while learning. */
  readonly warmupCalls: number;
}

/** Learned rates are clamped here: below 0.1 % the integer CUSUM needs a very large state and the shift is tiny. */
export const CUSUM_MIN_P0 = 0.001;
const MAX_P1 = 0.99;
/**
 * A learned p0 is uncertain: the threshold holds ARL₀ at the one-sided 84 % upper bound of p0
 * (z = 1). The bench computes the resulting false-trip probability exactly, averaged over the
 * warm-up's sampling noise (bench/RESULTS.md, section detection).
 */
export const LEARNED_P0_Z = 1;

/** A Bernoulli CUSUM design: rates, integer step, threshold and its exact ARL₀. */
export interface CusumDesign {
  readonly p0: number;
  readonly p1: number;
  /** Integer increment of a bad call (a good call is −1). */
  readonly up: number;
  /** Integer threshold. */
  readonly h: number;
  /** Nats of evidence per integer step. */
  readonly llrPerStep: number;
  readonly arl0: number;
}

type Design = CusumDesign;

/**
 * Designs the integer Bernoulli CUSUM for p0 → p1 at a target ARL₀ (see `bernoulliCusumThreshold`).
 * `arlAt` is the in-control rate the ARL₀ must hold at: p0 itself, or for a learned p0 an upper
 * confidence bound, so that an underestimated baseline does not multiply false trips.
 */
export function designCusum(p0: number, p1: number, falseTripEvery: number, arlAt = p0): Design {
  const { up, llrPerStep } = bernoulliCusumStep(p0, p1);
  const { h, arl0 } = bernoulliCusumThreshold(Math.max(p0, arlAt), up, falseTripEvery);
  return { p0, p1, up, h, llrPerStep, arl0 };
}

/** p1 for a (configured or learned) p0: `p1`, else `shift` × p0; never at or below p0. */
export function cusumP1(p0: number, options: Pick<CusumPolicyOptions, 'p1' | 'shift'>): number {
  const wanted = options.p1 ?? p0 * options.shift;
  // A learned baseline at or above the configured p1 would make the design meaningless: detect a doubling instead.
  return Math.min(MAX_P1, wanted > p0 ? wanted : 2 * p0);
}

/** The design a CUSUM adopts after a warm-up of `calls` calls with `bad` bad ones (what `observe` does at the end of the warm-up). */
export function learnedCusumDesign(
  bad: number,
  calls: number,
  options: Pick<CusumPolicyOptions, 'p1' | 'shift' | 'falseTripEvery'>,
): Design {
  // Jeffreys-style estimate: never zero, so a warm-up without flags still gives a usable p0.
  const p0 = Math.min(0.5, Math.max(CUSUM_MIN_P0, (bad + 0.5) / (calls + 1)));
  const upper = Math.min(0.5, wilsonUpperBound(bad, calls, LEARNED_P0_Z));
  return designCusum(p0, cusumP1(p0, options), options.falseTripEvery, upper);
}

/**
 * Bernoulli CUSUM (Page 1954; Reynolds & Stoumbos 1999) on the bad-call indicator: the quickest
 * detector of a shift of the flag rate from p0 to p1 for a given false-trip rate. Its threshold is
 * derived from `falseTripEvery` by an exact Markov-chain run-length computation, not set by hand.
 * The last time the statistic was at zero is the change-point estimate: a trip carries it as
 * `onsetCallsAgo`, so time to detect is measurable. O(1) memory and time per call.
 */
export class CusumPolicy implements TripPolicy {
  readonly name = 'cusum';
  private design: Design | undefined;
  private warmCalls = 0;
  private warmBad = 0;
  private c = 0;
  private calls = 0;
  private sinceZero = 0;
  private onsetAt = 0;

  constructor(private readonly options: CusumPolicyOptions) {
    if (options.p0 !== undefined)
      this.design = designCusum(options.p0, cusumP1(options.p0, options), options.falseTripEvery);
  }

  /** The CUSUM design in use (undefined while learning p0). */
  get parameters(): Readonly<Design> | undefined {
    return this.design;
  }

  /** Expected calls to trip at a sustained bad-call rate `p`, from a statistic at zero (undefined while learning p0). */
  expectedCallsToTrip(p: number): number | undefined {
    return this.design && bernoulliCusumArl(p, this.design.up, this.design.h);
  }

  observe(observation: Observation): TripDecision | undefined {
    const d = this.design;
    if (!d) {
      this.warmCalls++;
      if (observation.bad) this.warmBad++;
      if (this.warmCalls >= this.options.warmupCalls)
        this.design = learnedCusumDesign(this.warmBad, this.warmCalls, this.options);
      return undefined;
    }
    this.calls++;
    this.c = observation.bad ? this.c + d.up : this.c > 0 ? this.c - 1 : 0;
    if (this.c === 0) {
      this.sinceZero = 0;
      return undefined;
    }
    // The excursion above zero started at this call: the change-point estimate.
    if (this.sinceZero++ === 0) this.onsetAt = observation.now;
    if (this.c < d.h) return undefined;
    const onset = this.sinceZero;
    const decision: TripDecision = {
      policy: this.name,
      reason: `CUSUM for a bad-call rate shift from ${pct(d.p0)} to ${pct(d.p1)} crossed its threshold (${(this.c * d.llrPerStep).toFixed(1)} ≥ ${(d.h * d.llrPerStep).toFixed(1)} nats; ≤ 1 false trip per ${d.arl0.toExponential(1)} calls); the change began about ${onset} calls ago`,
      details: {
        statistic: this.c * d.llrPerStep,
        threshold: d.h * d.llrPerStep,
        p0: d.p0,
        p1: d.p1,
        arl0: d.arl0,
        onsetCallsAgo: onset,
        onsetAt: this.onsetAt,
      },
      onsetCallsAgo: onset,
      onsetAt: this.onsetAt,
    };
    return decision;
  }

  snapshot(): PolicySnapshot {
    const d = this.design;
    if (!d) return { policy: this.name, calls: this.warmCalls, value: 0, threshold: Infinity };
    return { policy: this.name, calls: this.calls, value: this.c * d.llrPerStep, threshold: d.h * d.llrPerStep };
  }

  /** The learned baseline (warm-up counts) and the statistic: JSON-safe. */
  save(): Saved {
    return {
      warmCalls: this.warmCalls,
      warmBad: this.warmBad,
      learned: this.options.p0 === undefined && this.design !== undefined,
      c: this.c,
      calls: this.calls,
      sinceZero: this.sinceZero,
      onsetAt: this.onsetAt,
    };
  }

  restore(state: unknown): void {
    const s = record(state, 'cusum policy');
    this.warmCalls = num(s.warmCalls, 'cusum warmCalls');
    this.warmBad = num(s.warmBad, 'cusum warmBad');
    // A learned design is rebuilt from the warm-up counts it was learned from: same numbers, no drift.
    if (s.learned === true && this.options.p0 === undefined)
      this.design = learnedCusumDesign(this.warmBad, this.warmCalls, this.options);
    this.c = num(s.c, 'cusum statistic');
    this.calls = num(s.calls, 'cusum calls');
    this.sinceZero = num(s.sinceZero, 'cusum sinceZero');
    this.onsetAt = num(s.onsetAt, 'cusum onsetAt');
  }

  /** Restarts the statistic at zero; a learned p0 is kept (it is the model's baseline, not window state). */
  reset(): void {
    this.c = 0;
    this.calls = 0;
    this.sinceZero = 0;
  }
}
