/**
 * Each notifier's own circuit breaker: after `threshold` failed attempts in a row it opens and
 * the notifier is not tried for `coolDownMs`; then one attempt (half-open) closes it on success or
 * opens it for another cool-down on failure. It keeps a dead endpoint from being hammered; other
 * notifiers have their own lanes and never wait on it.
 */
export const NOTIFIER_BREAKER_STATES = ['closed', 'open', 'half-open'] as const;
export type NotifierBreakerState = (typeof NOTIFIER_BREAKER_STATES)[number];

export class NotifierBreaker {
  #failures = 0;
  /** When the cool-down ends; undefined while closed. */
  #openUntil: number | undefined;

  constructor(
    private readonly threshold: number,
    private readonly coolDownMs: number,
    private readonly now: () => number,
  ) {}

  get state(): NotifierBreakerState {
    if (this.#openUntil === undefined) return 'closed';
    return this.now() >= this.#openUntil ? 'half-open' : 'open';
  }

  /** How long until the next attempt may go: 0 unless open. */
  msUntilRetry(): number {
    return this.#openUntil === undefined ? 0 : Math.max(0, this.#openUntil - this.now());
  }

  /** Returns true when this closed the breaker. */
  success(): boolean {
    this.#failures = 0;
    const wasOpen = this.#openUntil !== undefined;
    this.#openUntil = undefined;
    return wasOpen;
  }

  /** Returns true when this opened the breaker (from closed, or again from half-open). */
  failure(): boolean {
    this.#failures++;
    if (this.#openUntil === undefined && this.#failures < this.threshold) return false;
    this.#openUntil = this.now() + this.coolDownMs;
    return true;
  }
}
