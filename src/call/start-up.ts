/**
 * Start-up work a guard does once, off every call's budget: loading the default detectors (the
 * toxicity model is compiled then) and restoring state from the store. Calls made before it is
 * done wait for it; a failed load of the defaults fails them loudly rather than run unguarded.
 */
import { loadDefaultDetectors } from '../detectors/defaults.js';
import type { Detector } from '../detectors/types.js';
import type { ParsedGuardOptions } from '../options.js';
import type { Transition } from '../breaker/state-machine.js';
import type { BreakerStore } from '../store/types.js';
import type { Core } from './core.js';
import { buildLive, type LiveParts } from './live.js';
import type { Subscriber } from './observe.js';
import type { Recorder } from './record.js';
import { joinReplicas } from './replicas.js';
import { applySnapshot, takeSnapshot, type BreakerSnapshot } from './snapshot.js';

export interface StartUp {
  /** The start-up still running (or failed); undefined once it succeeded. */
  pending(): Promise<void> | undefined;
  ready(): Promise<void>;
  /** Saves to the store on every state change. */
  readonly storeSink: Subscriber;
  /** The last save, on dispose. */
  saveNow(): void;
  /** One save on the next turn of the event loop (coalesced): a policy learned something worth keeping. Undefined without a store. */
  readonly saveSoon: (() => void) | undefined;
  /** Stops the periodic save and leaves the replicas of a shared store (on dispose). */
  leave(): void;
}

/** What a shared store (`BreakerStore.share`) needs from the guard. */
export interface ReplicaParts {
  readonly onTransition: (t: Transition) => void;
  readonly recorder: Recorder;
}

export function startUp(
  core: Core,
  o: ParsedGuardOptions,
  parts: LiveParts & { setDefaults(detectors: readonly Detector[]): void },
  report: (error: unknown, what: string) => void,
  replicaParts?: ReplicaParts,
): StartUp {
  const store = o.store as BreakerStore | undefined;
  // Joined before the load, so a store that could not load now can restore when it is reachable.
  const replicas =
    store?.share && replicaParts
      ? joinReplicas(core, store.share.bind(store), replicaParts.onTransition, replicaParts.recorder, report)
      : undefined;
  core.shared = replicas?.shared;
  const tasks: Promise<void>[] = [];
  if (o.detectors === undefined) {
    tasks.push(
      loadDefaultDetectors().then((detectors) => {
        parts.setDefaults(detectors);
        // Unless a reconfigure named detectors meanwhile, the running unit gains the defaults.
        if (core.live.usesDefaults) core.live = buildLive(core.live.o, core.where, parts, core.live);
      }),
    );
  }
  if (store) {
    const restore = (snapshot: BreakerSnapshot | undefined): void => {
      if (snapshot === undefined || core.disposed) return;
      try {
        // A shared snapshot may come from a replica in another mode: this guard keeps its own.
        applySnapshot(core, replicas ? { ...snapshot, mode: core.mode } : snapshot, `${core.where} store`);
        core.observe.emit('restored', core.machine.state(core.clock()));
      } catch (error) {
        report(error, 'the stored snapshot could not be restored; starting fresh');
      }
    };
    try {
      const loaded = store.load(core.name);
      if (loaded instanceof Promise) {
        tasks.push(loaded.then(restore, (error: unknown) => report(error, 'store.load() failed; starting fresh')));
      } else restore(loaded);
    } catch (error) {
      report(error, 'store.load() threw; starting fresh');
    }
  }

  let running: Promise<void> | undefined = tasks.length === 0 ? undefined : Promise.all(tasks).then(() => undefined);
  const done = running ?? Promise.resolve();
  // Settled: calls stop awaiting. A failure stays pending so every call reports it.
  done.then(
    () => (running = undefined),
    () => {},
  );

  const save = (): void => {
    if (!store) return;
    try {
      const saved = store.save(core.name, takeSnapshot(core));
      if (saved instanceof Promise) saved.catch((error: unknown) => report(error, 'store.save() failed'));
    } catch (error) {
      report(error, 'store.save() threw');
    }
  };

  // Off the call path: the call that finished a warm-up neither waits for the write nor sees its failure.
  let soon = false;
  const saveSoon = (): void => {
    if (soon) return;
    soon = true;
    setImmediate(() => {
      soon = false;
      if (!core.disposed) save();
    });
  };

  // A shared store saves its snapshot on its own schedule (the Redis store's `snapshotMs`).
  const every = replicas ? undefined : store?.saveEveryMs;
  const timer = every === undefined ? undefined : setInterval(() => core.disposed || save(), every);
  timer?.unref(); // a periodic save never keeps the process alive

  return {
    pending: () => running,
    ready: () => done,
    storeSink: replicas?.sink ?? (store ? { transition: save } : {}),
    saveNow: save,
    saveSoon: store ? saveSoon : undefined,
    leave: () => {
      clearInterval(timer);
      replicas?.shared.close();
    },
  };
}
