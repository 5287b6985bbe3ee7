import type { Outcome } from '../window.js';

/** One primary call as a trip policy sees it. */
export interface Observation extends Outcome {
  /** Duration of the call in milliseconds. */
  readonly latencyMs: number;
  /** Clock time of the call's end, in milliseconds. */
  readonly now: number;
}

/** Why a policy opened the breaker: what an incident record and a trip event carry. */
export interface TripDecision {
  /** The policy's name, e.g. `rate`. */
  readonly policy: string;
  /** One readable sentence with the numbers that tripped it. */
  readonly reason: string;
  /** The numbers behind the reason (calls, bad, ratio, threshold, …). */
  readonly details: Readonly<Record<string, number>>;
  /** How many calls ago the change began, when the policy can estimate it (CUSUM does). */
  readonly onsetCallsAgo?: number;
  /** Clock time (ms) of the call at the estimated onset, when the policy knows it: time to detect = trip time − onsetAt. */
  readonly onsetAt?: number;
}

/** What a policy shows about how close the breaker is to tripping. */
export interface PolicySnapshot {
  readonly policy: string;
  /** Calls in the current window. */
  readonly calls: number;
  /** The statistic the policy compares with its threshold (a ratio in [0, 1] for rate policies). */
  readonly value: number;
  /** The configured threshold for `value`. */
  readonly threshold: number;
}

/**
 * Decides from windowed outcomes that the model (not one output) is unsafe. `observe` must be
 * O(1) per call; memory must be bounded by configuration.
 */
export interface TripPolicy {
  readonly name: string;
  observe(observation: Observation): TripDecision | undefined;
  snapshot(now: number): PolicySnapshot;
  /** Forget all counted calls (on trip, close, or a manual reset). */
  reset(): void;
  /** Everything the policy has counted and learned, as JSON-safe data (for `guarded.snapshot()`). Without it, a snapshot leaves the policy out. */
  save?(): unknown;
  /** Puts back what `save()` returned; throws a `TypeError` on data it cannot read. */
  restore?(state: unknown): void;
  /**
   * True, once, after what `save()` returns changed in a way worth persisting at once (a learned
   * baseline was redesigned or frozen): a guard with a store then saves, off the call path, so a
   * process killed without `dispose()` keeps it. Reading it clears it.
   */
  saveDue?(): boolean;
}
