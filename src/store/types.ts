import type { Observation, TripDecision } from '../breaker/policies/types.js';
import type { BreakerSnapshot } from '../call/snapshot.js';

/**
 * Where breakers keep their state beyond one guard object: the seam for surviving a restart and
 * for state shared by replicas. A guard with a `store` restores from `load(name)` when it is
 * built and saves on every state change, when a trip policy's `saveDue()` says so (off the call
 * path), and on `dispose()`. Either method may be async.
 *
 * A store that replicas share also has `share()`: the guard then hands it its side of the exchange
 * (`ReplicaSide`) and tells it each state change and call outcome (`SharedBreaker`).
 */
export interface BreakerStore {
  load(breaker: string): BreakerSnapshot | undefined | Promise<BreakerSnapshot | undefined>;
  save(breaker: string, snapshot: BreakerSnapshot): void | Promise<void>;
  /** Also save every this many milliseconds (read when a guard is built; a store with `share()` keeps its own schedule). */
  readonly saveEveryMs?: number;
  /** Joins the replicas of `breaker`. Optional: `memoryStore()` and file stores keep one process's state. */
  share?(breaker: string, replica: ReplicaSide): SharedBreaker;
}

/**
 * A breaker's state as replicas share it: the state machine's saved state, versioned by the
 * guard-clock time of the change that produced it (the newest version wins everywhere).
 */
export interface SharedState {
  readonly version: number;
  /** The replica that made the change. */
  readonly replica: string;
  /** What `BreakerStateMachine.save()` returned. */
  readonly machine: unknown;
  readonly reason: string;
  readonly decision?: TripDecision;
}

/** A call's outcome as the trip policies read it; `now` is not shared (each replica counts on its own clock). */
export type SharedOutcome = Omit<Observation, 'now'>;

/** What `saveEveryMs` may be (undefined: no periodic save): a guard checks a store's, `fileStore` its option. */
export const isSaveEveryMs = (ms: unknown): boolean =>
  ms === undefined || (typeof ms === 'number' && ms >= 100 && ms < 2 ** 31);
export const SAVE_EVERY_MS_RANGE = 'a number of milliseconds from 100 to 2^31 - 1';

/** The guard's side of a shared store: what the store may read from and put into the breaker. */
export interface ReplicaSide {
  /** This replica's state, or undefined when it has not changed since the guard was built. */
  state(): SharedState | undefined;
  /** Newer state from another replica: this breaker takes it (an older version is ignored). */
  applyState(state: SharedState): void;
  /** Outcomes other replicas counted: into this replica's trip policies, as if its own. */
  applyOutcomes(outcomes: readonly SharedOutcome[]): void;
  /** The half-open episode (when the breaker last opened), or undefined when not half-open. */
  halfOpenEpisode(): number | undefined;
  /** Everything the breaker has learned, for the store's snapshot. */
  snapshot(): BreakerSnapshot;
  /** A snapshot that could not be loaded at start-up (the store was unreachable), applied when it is. */
  restoreLate(snapshot: BreakerSnapshot): void;
}

/** The store's side for one breaker. None of these waits for the store or throws. */
export interface SharedBreaker {
  /** A state change made here: write it and tell the other replicas. */
  changed(state: SharedState): void;
  /** A primary call's outcome here, sent to the other replicas in the next batch. */
  counted(outcome: Observation): void;
  /** May this replica admit a half-open probe now? Only the holder of the episode's lease may (any replica, when the store is unreachable). */
  mayProbe(): boolean;
  /** Stops sharing (on `dispose()`): timers and subscriptions of this breaker end. */
  close(): void;
}
