/**
 * Replicas sharing one breaker through a store with `share()` (the Redis store): a state change
 * made here is handed to the store, a newer one made elsewhere is taken here, and outcomes counted
 * elsewhere feed this replica's trip policies. Which replica may probe in half-open is the store's
 * lease (probe-suite.ts asks it).
 */
import type { BreakerState, Transition } from '../breaker/state-machine.js';
import { record } from '../breaker/saved-state.js';
import type { BreakerStore, ReplicaSide, SharedBreaker, SharedState } from '../store/types.js';
import type { Core } from './core.js';
import type { Subscriber } from './observe.js';
import type { Recorder } from './record.js';
import { applySnapshot, takeSnapshot } from './snapshot.js';

export interface Replicas {
  readonly shared: SharedBreaker;
  /** Hands this replica's own state changes to the store. */
  readonly sink: Subscriber;
}

export function joinReplicas(
  core: Core,
  share: NonNullable<BreakerStore['share']>,
  onTransition: (t: Transition) => void,
  recorder: Recorder,
  report: (error: unknown, what: string) => void,
): Replicas {
  /** The newest state this replica made or took; undefined until the first change. */
  let current: SharedState | undefined;
  /** Set while a change taken from another replica is reported here, so it is not sent back. */
  let taking = false;

  const side: ReplicaSide = {
    state: () => current,
    applyState(remote) {
      if (core.disposed || core.mode === 'disabled' || remote.version <= (current?.version ?? -Infinity)) return;
      const { machine } = core;
      const now = core.clock();
      const from = machine.state(now);
      try {
        machine.restore(remote.machine);
      } catch (error) {
        report(error, `state from replica ${remote.replica} could not be applied; keeping this replica's`);
        return;
      }
      current = remote;
      const saved = record(remote.machine, 'shared breaker state');
      const to = saved.state as BreakerState;
      // The same state with a newer version (two replicas tripped at once): adopt its times, nothing to report.
      if (to === from) return;
      taking = true;
      try {
        onTransition({
          from,
          to,
          at: remote.version,
          reason: `${remote.reason} (on replica ${remote.replica})`,
          ...(remote.decision && { decision: remote.decision }),
          ...(to === 'open' && typeof saved.openForMs === 'number' && { openForMs: saved.openForMs }),
        });
      } finally {
        taking = false;
      }
    },
    applyOutcomes(outcomes) {
      if (core.disposed || core.mode === 'disabled') return;
      const now = core.clock();
      for (const o of outcomes) {
        if (core.machine.state(now) !== 'closed') return;
        if (recorder.countPolicies({ ...o, now })) return;
      }
    },
    halfOpenEpisode() {
      if (core.machine.state(core.clock()) !== 'half-open') return undefined;
      return record(core.machine.save(), 'breaker state').openedAt as number;
    },
    snapshot: () => takeSnapshot(core),
    restoreLate(snapshot) {
      try {
        applySnapshot(core, { ...snapshot, mode: core.mode }, `${core.where} store`);
      } catch (error) {
        report(error, 'the stored snapshot could not be restored; keeping what this replica learned');
      }
    },
  };

  const shared = share(core.name, side);
  const sink: Subscriber = {
    transition({ transition: t }) {
      // Half-open follows from the open state's times on every replica; a disabled or shadow guard decides for itself only.
      if (taking || t.to === 'half-open' || t.to === 'disabled' || t.from === 'disabled' || core.mode !== 'enforce')
        return;
      current = {
        version: t.at,
        replica: '',
        machine: core.machine.save(),
        reason: t.reason,
        ...(t.decision && { decision: t.decision }),
      };
      shared.changed(current);
    },
  };
  return { shared, sink };
}
