import type { BreakerSnapshot } from '../call/snapshot.js';

/**
 * Where breakers keep their state beyond one guard object: the seam for surviving a restart and
 * for state shared by replicas. A guard with a `store` restores from `load(name)` when it is
 * built and saves on every state change and on `dispose()`. Either method may be async.
 */
export interface BreakerStore {
  load(breaker: string): BreakerSnapshot | undefined | Promise<BreakerSnapshot | undefined>;
  save(breaker: string, snapshot: BreakerSnapshot): void | Promise<void>;
}
