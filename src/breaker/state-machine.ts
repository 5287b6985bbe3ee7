import type { TripDecision } from './policies/types.js';
import { num, record, wide, wideNum, type Saved } from './saved-state.js';

/**
 * - `closed`: the primary serves; trip policies count its outcomes.
 * - `open`: fallbacks serve until the recovery delay has passed.
 * - `half-open`: up to `probes` calls test the primary; all must pass to close.
 * - `forced-open`: the kill switch; only `reset()` closes it.
 * - `disabled`: no detection, no routing decisions: calls pass straight through.
 */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'forced-open' | 'disabled';

/** `retryAfterMs` while half-open with every probe slot taken. */
const HALF_OPEN_RETRY_HINT_MS = 1_000;

export const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open', 'forced-open', 'disabled'];

export interface RecoveryOptions {
  /** Time the breaker stays open after its first trip before a probe is admitted. */
  readonly afterMs: number;
  /** Each repeated trip multiplies the open time by this factor (1 = no backoff). */
  readonly backoff: number;
  /** Upper bound of the backed-off open time (never below `afterMs`); also how long the breaker must stay closed before backoff resets. */
  readonly capMs: number;
  /** Probes admitted in half-open; all must pass to close. */
  readonly probes: number;
}

export interface Transition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** Clock time of the transition, ms. */
  readonly at: number;
  readonly reason: string;
  /** Set when a trip policy (or a failed probe) opened the breaker. */
  readonly decision?: TripDecision;
  /** For transitions into `open`: how long it stays open, ms. */
  readonly openForMs?: number;
}

/** What the breaker lets the primary do for one call. */
export type Admission = 'primary' | 'probe' | 'rejected';

/**
 * The breaker's state machine. Time-driven transitions (open → half-open) happen lazily when the
 * state is read, so the breaker needs no timer at all.
 */
export class BreakerStateMachine {
  private current: BreakerState = 'closed';
  private openedAt = 0;
  private openForMs = 0;
  private closedAt = -Infinity;
  private consecutiveOpens = 0;
  private probesInFlight = 0;
  private probesPassed = 0;

  constructor(
    private recovery: RecoveryOptions,
    private readonly onTransition: (transition: Transition) => void,
  ) {}

  state(now: number): BreakerState {
    if (this.current === 'open' && now >= this.openedAt + this.openForMs) {
      this.probesInFlight = 0;
      this.probesPassed = 0;
      this.move('half-open', now, `recovery delay of ${Math.round(this.openForMs)} ms elapsed`);
    }
    return this.current;
  }

  admit(now: number): Admission {
    switch (this.state(now)) {
      case 'closed':
      case 'disabled':
        return 'primary';
      case 'half-open':
        if (this.probesInFlight + this.probesPassed < this.recovery.probes) {
          this.probesInFlight++;
          return 'probe';
        }
        return 'rejected';
      default:
        return 'rejected';
    }
  }

  /** Reports a probe's result. Any failure reopens the breaker with a longer delay. */
  probeDone(passed: boolean, now: number, failure?: TripDecision): void {
    if (this.current !== 'half-open') return; // forced open or reset meanwhile
    this.probesInFlight = Math.max(0, this.probesInFlight - 1);
    if (!passed) {
      this.open(now, failure ?? { policy: 'probe', reason: 'a half-open probe failed', details: {} });
      return;
    }
    this.probesPassed++;
    if (this.probesPassed >= this.recovery.probes) {
      this.closedAt = now;
      this.move('closed', now, `${this.probesPassed} of ${this.recovery.probes} probes passed`);
    }
  }

  /** A probe ended without a verdict (the caller aborted): its slot is free again. */
  probeAbandoned(): void {
    if (this.current === 'half-open') this.probesInFlight = Math.max(0, this.probesInFlight - 1);
  }

  /** A trip policy decided the model is unsafe. Ignored unless closed. */
  trip(decision: TripDecision, now: number): boolean {
    if (this.state(now) !== 'closed') return false;
    if (now - this.closedAt >= this.recovery.capMs) this.consecutiveOpens = 0;
    this.open(now, decision);
    return true;
  }

  forceOpen(reason: string, now: number): void {
    this.move('forced-open', now, reason);
  }

  /** Back to closed with backoff forgotten. */
  reset(reason: string, now: number): void {
    this.consecutiveOpens = 0;
    this.closedAt = now;
    this.probesInFlight = this.probesPassed = 0;
    this.move('closed', now, reason);
  }

  disable(reason: string, now: number): void {
    this.move('disabled', now, reason);
  }

  /** Milliseconds until a probe is admitted: 0 when one may be now; for forced-open, the recovery delay as a hint. */
  retryAfterMs(now: number): number {
    switch (this.state(now)) {
      case 'open':
        return Math.max(0, this.openedAt + this.openForMs - now);
      case 'forced-open':
        return this.recovery.afterMs;
      case 'half-open':
        // Every probe slot is taken: one frees when a probe finishes, so hint a short wait, never 0.
        return this.probesInFlight + this.probesPassed >= this.recovery.probes ? HALF_OPEN_RETRY_HINT_MS : 0;
      default:
        return 0;
    }
  }

  /** What the machine has decided: state, when it opened and for how long, and the backoff level. Probes in flight are not saved: they belong to this process. */
  save(): Saved {
    return {
      state: this.current,
      openedAt: this.openedAt,
      openForMs: this.openForMs,
      closedAt: wide(this.closedAt),
      consecutiveOpens: this.consecutiveOpens,
      probesPassed: this.probesPassed,
    };
  }

  /** Puts back what `save()` returned, without a transition event (nothing happened: the state moved here). */
  restore(state: unknown): void {
    const s = record(state, 'breaker state');
    if (!BREAKER_STATES.includes(s.state as BreakerState))
      throw new TypeError(`breaker state: unknown state ${JSON.stringify(s.state)}`);
    this.current = s.state as BreakerState;
    this.openedAt = num(s.openedAt, 'breaker openedAt');
    this.openForMs = num(s.openForMs, 'breaker openForMs');
    this.closedAt = wideNum(s.closedAt, 'breaker closedAt');
    this.consecutiveOpens = num(s.consecutiveOpens, 'breaker consecutiveOpens');
    this.probesPassed = num(s.probesPassed, 'breaker probesPassed');
    this.probesInFlight = 0;
  }

  setRecovery(recovery: RecoveryOptions): void {
    this.recovery = recovery;
  }

  private open(now: number, decision: TripDecision): void {
    this.consecutiveOpens++;
    const { afterMs, backoff, capMs } = this.recovery;
    // The cap bounds the backoff's growth; it never shortens the configured delay itself.
    this.openForMs = Math.max(afterMs, Math.min(capMs, afterMs * backoff ** (this.consecutiveOpens - 1)));
    this.openedAt = now;
    this.move('open', now, decision.reason, decision, this.openForMs);
  }

  private move(to: BreakerState, at: number, reason: string, decision?: TripDecision, openForMs?: number): void {
    const from = this.current;
    if (from === to && to !== 'open') return;
    this.current = to;
    this.onTransition({
      from,
      to,
      at,
      reason,
      ...(decision && { decision }),
      ...(openForMs !== undefined && { openForMs }),
    });
  }
}
