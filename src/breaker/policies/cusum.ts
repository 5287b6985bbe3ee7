import { bernoulliCusumArl, bernoulliCusumStep, bernoulliCusumThreshold, wilsonUpperBound } from '../stats.js';
import { num, record, type Saved } from '../saved-state.js';
import { pct } from './rate.js';
import type { Observation, PolicySnapshot, TripDecision, TripPolicy } from './types.js';

export interface CusumPolicyOptions {
  /** In-control bad-call rate, when known. Omit it to learn it from traffic (self-starting: the policy watches from the first call). */
  readonly p0?: number | undefined;
  /** The bad-call rate to detect quickly. Omit it to use `shift` × p0. */
  readonly p1?: number | undefined;
  /** p1 = shift × p0 when p1 is not given (default 8: designed a little below a ×10 rise, which shortens the tail of the delay to catch ×10; see docs/trip-policies.md). */
  readonly shift: number;
  /** Target in-control average run length: at most one false trip per this many calls on average (default 10⁸). */
  readonly falseTripEvery: number;
  /** Calls over which p0 is learned when it is not configured (default 50 000); then it is frozen. */
  readonly warmupCalls: number;
  /** The highest bad-call rate a learned p0 may take (default {@link CUSUM_DEFAULT_CEILING}, 1 %): a model worse than this from its first call is not learned as normal, it trips. */
  readonly ceiling?: number | undefined;
}

/** Learned rates are clamped here: below 0.1 % the integer CUSUM needs a very large state and the shift is tiny. */
export const CUSUM_MIN_P0 = 0.001;
/** Default `ceiling`: above the normal flag rate of the built-in detectors (docs/trip-policies.md, "Cold start"), low enough that a model at 5 % from its first call trips. */
export const CUSUM_DEFAULT_CEILING = 0.01;
const MAX_P1 = 0.99;
/**
 * A learned p0 is uncertain: the threshold holds ARL₀ at the one-sided 84 % upper bound of p0
 * (z = 1). The bench computes the resulting false-trip probability exactly, averaged over the
 * warm-up's sampling noise (bench/RESULTS.md, section detection).
 */
export const LEARNED_P0_Z = 1;
/** Bad calls a running estimate needs before it replaces the ceiling as the baseline (≈ ±30 %). */
export const MIN_LEARNED_BAD = 10;
/** While learning, ARL₀ is `falseTripEvery` × max(this, calls learned / warmupCalls): the short learning period spends its share of the false-trip budget faster, which keeps detection quick early on. */
const LEARNING_ARL_FLOOR = 0.1;
/**
 * At the ceiling the test is "well above the ceiling": designed for 3 × it, whose delay has the
 * shortest tail at 5 × it (a 5 % model against the default 1 %: P(no trip within 1 000 calls) ≈ 10⁻⁴,
 * against 7 × 10⁻⁴ designed for 5 ×; bench/RESULTS.md, "Cold start").
 */
const CEILING_SHIFT = 3;
/** Calls learned before the first redesign, and the growth of the redesign interval (geometric: O(1) amortised per call). */
const FIRST_REDESIGN = 200;
const REDESIGN_GROWTH = 1.25;

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
  const key = `${p0} ${p1} ${falseTripEvery} ${arlAt}`;
  const known = designs.get(key);
  if (known) return known;
  const { up, llrPerStep } = bernoulliCusumStep(p0, p1);
  const { h, arl0 } = bernoulliCusumThreshold(Math.max(p0, arlAt), up, falseTripEvery);
  const design = { p0, p1, up, h, llrPerStep, arl0 };
  // A design costs ~1 ms (an exact ARL per step of a search); guards, reconfigures and a learning
  // policy's redesigns at the ceiling ask for the same ones again. Bounded: cleared when full.
  if (designs.size >= 64) designs.clear();
  designs.set(key, design);
  return design;
}

const designs = new Map<string, Design>();

/** p1 for a (configured or learned) p0: `p1`, else `shift` × p0; never at or below p0. */
export function cusumP1(p0: number, options: Pick<CusumPolicyOptions, 'p1' | 'shift'>): number {
  const wanted = options.p1 ?? p0 * options.shift;
  // A learned baseline at or above the configured p1 would make the design meaningless: detect a doubling instead.
  return Math.min(MAX_P1, wanted > p0 ? wanted : 2 * p0);
}

type LearnOptions = Pick<CusumPolicyOptions, 'p1' | 'shift' | 'falseTripEvery' | 'ceiling'>;

/**
 * The design for a baseline learned from `bad` of `calls` calls, with ARL₀ ≥ `falseTripEvery`
 * held at the 84 % upper bound of p0 (what the policy adopts at the end of its warm-up). A
 * baseline at or above the ceiling, or resting on fewer than {@link MIN_LEARNED_BAD} bad calls,
 * is the ceiling: the test is then "well above the ceiling".
 */
export function learnedCusumDesign(
  bad: number,
  calls: number,
  options: LearnOptions,
  falseTripEvery = options.falseTripEvery,
): Design {
  // Jeffreys-style estimate: never zero, so a warm-up without flags still gives a usable p0.
  const p0 = Math.max(CUSUM_MIN_P0, (bad + 0.5) / (calls + 1));
  const c = options.ceiling ?? CUSUM_DEFAULT_CEILING;
  if (p0 >= c || bad < MIN_LEARNED_BAD) {
    // At least twice the ceiling: a configured p1 just above it would need an unbounded threshold.
    const p1 = Math.max(2 * c, cusumP1(c, { p1: options.p1, shift: Math.min(options.shift, CEILING_SHIFT) }));
    return designCusum(c, Math.min(MAX_P1, p1), falseTripEvery);
  }
  const p1 = cusumP1(p0, options);
  // Held no higher than the ceiling, nor so high that no threshold could reach the ARL there.
  const upper = Math.min(wilsonUpperBound(bad, calls, LEARNED_P0_Z), c, 0.9 * bernoulliCusumStep(p0, p1).gamma);
  return designCusum(p0, p1, falseTripEvery, upper);
}

/** The design while learning: from the calls learned so far, at the ARL₀ the learning period allows (see {@link LEARNING_ARL_FLOOR}). */
export function learningCusumDesign(bad: number, calls: number, warmupCalls: number, options: LearnOptions): Design {
  const share = Math.min(1, Math.max(LEARNING_ARL_FLOOR, calls / warmupCalls));
  return learnedCusumDesign(bad, calls, options, options.falseTripEvery * share);
}

/** The next call count at which a learning policy redesigns (also the schedule bench/cusum-exact.ts follows). */
export const nextRedesign = (calls: number, warmupCalls: number): number =>
  Math.min(warmupCalls, calls < FIRST_REDESIGN ? FIRST_REDESIGN : Math.ceil(calls * REDESIGN_GROWTH));

/**
 * Bernoulli CUSUM (Page 1954; Reynolds & Stoumbos 1999) on the bad-call indicator: the quickest
 * detector of a shift of the flag rate from p0 to p1 for a given false-trip rate. Its threshold is
 * derived from `falseTripEvery` by an exact Markov-chain run-length computation, not set by hand.
 * The last time the statistic was at zero is the change-point estimate: a trip carries it as
 * `onsetCallsAgo`, so time to detect is measurable. O(1) memory and amortised O(1) time per call.
 *
 * Without a configured p0 it is self-starting: it watches from the first call against the
 * ceiling, and redesigns from the calls seen so far at growing intervals, only while its statistic
 * is at zero (so calls of a change in progress never become the baseline), until `warmupCalls`.
 */
export class CusumPolicy implements TripPolicy {
  readonly name = 'cusum';
  private design: Design;
  private learning: boolean;
  /** Calls and bad calls learned so far, and as of the last time the statistic was at zero. */
  private warmCalls = 0;
  private warmBad = 0;
  private zeroCalls = 0;
  private zeroBad = 0;
  /** The counts the design in use was built from. */
  private basisCalls = 0;
  private basisBad = 0;
  private nextAt: number;
  private c = 0;
  private calls = 0;
  private sinceZero = 0;
  private onsetAt = 0;
  /** A redesign since `saveDue()` was last read. */
  private redesigned = false;

  constructor(private readonly options: CusumPolicyOptions) {
    this.learning = options.p0 === undefined;
    this.nextAt = nextRedesign(0, options.warmupCalls);
    this.design = this.build();
  }

  private build(): Design {
    const o = this.options;
    if (o.p0 !== undefined) return designCusum(o.p0, cusumP1(o.p0, o), o.falseTripEvery);
    return this.learning
      ? learningCusumDesign(this.basisBad, this.basisCalls, o.warmupCalls, o)
      : learnedCusumDesign(this.basisBad, this.basisCalls, o);
  }

  /** The CUSUM design in use (while learning, the one from the calls learned so far). */
  get parameters(): Readonly<Design> {
    return this.design;
  }

  /** True while p0 is still being learned (never with a configured p0). */
  get isLearning(): boolean {
    return this.learning;
  }

  /** Expected calls to trip at a sustained bad-call rate `p`, from a statistic at zero, with the design in use. */
  expectedCallsToTrip(p: number): number {
    return bernoulliCusumArl(p, this.design.up, this.design.h);
  }

  observe(observation: Observation): TripDecision | undefined {
    const d = this.design;
    if (this.learning) {
      this.warmCalls++;
      if (observation.bad) this.warmBad++;
    }
    this.calls++;
    this.c = observation.bad ? this.c + d.up : this.c > 0 ? this.c - 1 : 0;
    if (this.c === 0) {
      this.sinceZero = 0;
      if (this.learning) this.atZero();
      return undefined;
    }
    // The excursion above zero started at this call: the change-point estimate.
    if (this.sinceZero++ === 0) this.onsetAt = observation.now;
    if (this.c < d.h) return undefined;
    const onset = this.sinceZero;
    const decision: TripDecision = {
      policy: this.name,
      reason: `CUSUM for a bad-call rate shift from ${pct(d.p0)} to ${pct(d.p1)} crossed its threshold (${(this.c * d.llrPerStep).toFixed(1)} ≥ ${(d.h * d.llrPerStep).toFixed(1)} nats; ≤ 1 false trip per ${d.arl0.toExponential(1)} calls); the change began about ${onset} calls ago${this.options.p0 === undefined && d.p0 === (this.options.ceiling ?? CUSUM_DEFAULT_CEILING) ? '; tested against the ceiling: no normal rate below it learned' : ''}`,
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

  /** Learning, statistic at zero: every call so far is baseline; redesign when due. */
  private atZero(): void {
    this.zeroCalls = this.warmCalls;
    this.zeroBad = this.warmBad;
    if (this.warmCalls < this.nextAt) return;
    this.basisCalls = this.warmCalls;
    this.basisBad = this.warmBad;
    this.learning = this.warmCalls < this.options.warmupCalls;
    this.nextAt = nextRedesign(this.warmCalls, this.options.warmupCalls);
    this.design = this.build();
    this.redesigned = true;
  }

  /** After each redesign while learning (geometric: about 26 in a 50 000-call warm-up) and the freeze that ends it. */
  saveDue(): boolean {
    const due = this.redesigned;
    this.redesigned = false;
    return due;
  }

  snapshot(): PolicySnapshot {
    const d = this.design;
    return { policy: this.name, calls: this.calls, value: this.c * d.llrPerStep, threshold: d.h * d.llrPerStep };
  }

  /** The learned baseline (the counts behind the design in use) and the statistic: JSON-safe. */
  save(): Saved {
    return {
      warmCalls: this.warmCalls,
      warmBad: this.warmBad,
      zeroCalls: this.zeroCalls,
      zeroBad: this.zeroBad,
      basisCalls: this.basisCalls,
      basisBad: this.basisBad,
      learned: this.options.p0 === undefined && !this.learning,
      c: this.c,
      calls: this.calls,
      sinceZero: this.sinceZero,
      onsetAt: this.onsetAt,
    };
  }

  restore(state: unknown): void {
    const s = record(state, 'cusum policy');
    const count = (value: unknown, what: string): number => {
      const n = num(value, `cusum ${what}`);
      if (!Number.isInteger(n) || n < 0) throw new TypeError(`cusum ${what}: expected a count, got ${n}`);
      return n;
    };
    const warmCalls = count(s.warmCalls, 'warmCalls');
    const warmBad = count(s.warmBad, 'warmBad');
    // Snapshots from before the self-starting design carry only the warm-up counts.
    const basisCalls = s.basisCalls === undefined ? warmCalls : count(s.basisCalls, 'basisCalls');
    const basisBad = s.basisBad === undefined ? warmBad : count(s.basisBad, 'basisBad');
    if (warmBad > warmCalls || basisBad > basisCalls) throw new TypeError('cusum counts: more bad calls than calls');
    const c = count(s.c, 'statistic');
    const calls = count(s.calls, 'calls');
    const sinceZero = count(s.sinceZero, 'sinceZero');
    const onsetAt = num(s.onsetAt, 'cusum onsetAt');
    if (this.options.p0 === undefined) {
      // The design is rebuilt from the counts it was built from: same numbers, no drift.
      this.warmCalls = warmCalls;
      this.warmBad = warmBad;
      this.zeroCalls = s.zeroCalls === undefined ? warmCalls : count(s.zeroCalls, 'zeroCalls');
      this.zeroBad = s.zeroBad === undefined ? warmBad : count(s.zeroBad, 'zeroBad');
      this.basisCalls = basisCalls;
      this.basisBad = basisBad;
      this.learning = s.learned !== true;
      this.nextAt = nextRedesign(basisCalls, this.options.warmupCalls);
      this.design = this.build();
    }
    this.c = Math.min(c, this.design.h - 1);
    this.calls = calls;
    this.sinceZero = sinceZero;
    this.onsetAt = onsetAt;
  }

  /** Restarts the statistic at zero. A learned baseline is kept (it is the model's, not window state); calls since the statistic was last at zero, which may be the change that tripped it, are not learned. */
  reset(): void {
    this.c = 0;
    this.calls = 0;
    this.sinceZero = 0;
    this.warmCalls = this.zeroCalls;
    this.warmBad = this.zeroBad;
  }
}
