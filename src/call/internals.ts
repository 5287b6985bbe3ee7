/**
 * What companion modules (`safety-breaker/incidents`) attach to: the guard's clock and its
 * happenings. Not API: a symbol from the global registry, so a bundled copy of the companion
 * finds the guard of another copy.
 */
import type { Subscriber } from './observe.js';
import type { CallCounts } from './sinks.js';

export const GUARD_INTERNALS = Symbol.for('safety-breaker.guard-internals');

export interface GuardInternals {
  /** The guard's clock (ms; epoch ms unless the guard was given a virtual clock). */
  readonly clock: () => number;
  /** The call counts `stats().calls` shows, read without the rest of `stats()` (no lazy state move). */
  counts(): CallCounts;
  /** Adds a sink for what the call path reports; returns the function that removes it. */
  subscribe(subscriber: Subscriber): () => void;
  /** Shown as `stats().incidents` while set (an incident log sets it when it attaches). */
  incidentStats: (() => unknown) | undefined;
}

/** The internals of a guarded function, or undefined for anything else. */
export function guardInternals(guarded: unknown): GuardInternals | undefined {
  if ((typeof guarded !== 'function' && typeof guarded !== 'object') || guarded === null) return undefined;
  return (guarded as { [GUARD_INTERNALS]?: GuardInternals })[GUARD_INTERNALS];
}
