import type { BreakerSnapshot } from '../call/snapshot.js';
import type { BreakerStore } from './types.js';

/**
 * Snapshots in this process's memory, by breaker name. Share one between guards of the same name
 * (a guard rebuilt on redeploy of a module, a test) to carry state from one to the next.
 */
export function memoryStore(): BreakerStore & { readonly size: number } {
  const snapshots = new Map<string, BreakerSnapshot>();
  return {
    load: (breaker) => snapshots.get(breaker),
    save(breaker, snapshot) {
      // A copy: the caller's object may change, and a store hands out data, not shared objects.
      snapshots.set(breaker, structuredClone(snapshot));
    },
    get size() {
      return snapshots.size;
    },
  };
}
