/** The handle on a guarded function: state, events, operator actions, stats, reconfigure, snapshots. */
import type { PolicySnapshot } from '../breaker/policies/index.js';
import type { BreakerState, Transition } from '../breaker/state-machine.js';
import { DisposedError } from '../errors.js';
import type { TypedEmitter } from '../events.js';
import {
  guardOptionsRule,
  type ArgsOf,
  type GuardOptions,
  type Mode,
  type ModelFunction,
  type OutputOf,
} from '../options.js';
import { isObject } from '../rules/index.js';
import { parseOptions } from '../validation.js';
import type { WindowSnapshot } from '../detectors/types.js';
import type { Core } from './core.js';
import { GUARD_INTERNALS, type GuardInternals } from './internals.js';
import { buildLive, RECONFIGURABLE, type LiveParts } from './live.js';
import type { DetectionDelay, GuardEvents } from './observe.js';
import type { CallOptions } from './route-call.js';
import type { CallCounts, Counts } from './sinks.js';
import { forgetWindows, windowSnapshots, type Transitions } from './transitions.js';
import { applySnapshot, takeSnapshot, type BreakerSnapshot, type RestoreReport } from './snapshot.js';

export interface BreakerStats {
  readonly name: string;
  readonly state: BreakerState;
  readonly mode: Mode;
  /** Milliseconds until the breaker admits a probe (0 when it does now). */
  readonly retryAfterMs: number;
  readonly calls: CallCounts;
  readonly trips: number;
  readonly detectorErrors: number;
  readonly budgetOverruns: number;
  readonly asyncQueue: { depth: number; dropped: number };
  readonly policies: readonly PolicySnapshot[];
  readonly lastTransition: Transition | undefined;
  /** Time to detect of the last trip whose policy estimated the onset (CUSUM). */
  readonly lastDetectionDelay: DetectionDelay | undefined;
  /** Window detectors that show their window (`snapshot()`), such as fairness: groups, rates, insufficient data. */
  readonly windows: readonly WindowSnapshot[];
  /** With an incident log attached (`safety-breaker/incidents`): open incidents, MTTD and MTTR (docs/incidents.md). */
  readonly incidents?: unknown;
}

/** Who took a manual action: goes into the action's log line and the incident record. */
export interface ActionBy {
  /** The person or system acting (an admin route passes its authorised actor). */
  readonly actor?: string;
}

/** The options `reconfigure()` can change at run time. */
export type ReconfigureOptions<F extends ModelFunction> = Partial<
  Pick<GuardOptions<F>, (typeof RECONFIGURABLE)[number]>
>;

export interface GuardHandle<F extends ModelFunction> {
  readonly breakerName: string;
  /** The breaker's current state. */
  readonly state: BreakerState;
  readonly mode: Mode;
  readonly disposed: boolean;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof GuardEvents>(event: K, listener: (payload: GuardEvents[K]) => void): () => void;
  off<K extends keyof GuardEvents>(event: K, listener: (payload: GuardEvents[K]) => void): void;
  /** The kill switch: fallbacks serve until `reset()`. `by.actor` goes into the log and the incident record. */
  forceOpen(reason: string, by?: ActionBy): void;
  /** Closes the breaker and forgets its windows and backoff. */
  reset(reason?: string, by?: ActionBy): void;
  /** enforce, shadow (detect and record, never switch traffic) or disabled (pass straight through). */
  setMode(mode: Mode, reason?: string, by?: ActionBy): void;
  stats(): BreakerStats;
  /**
   * Applies new settings atomically (hot reload): the next call uses them; a call in flight
   * finishes with the detectors, routes and timeouts it started with, and its outcome is counted
   * once, in the current windows. A trip policy whose spec is unchanged keeps its window (a
   * changed one starts empty); the breaker's state and backoff are kept. Bad options throw a
   * `TypeError` naming the option, and nothing changes.
   */
  reconfigure(changes: ReconfigureOptions<F>): void;
  /** The guarded function with a per-call abort signal and context. */
  with(options: CallOptions): (...args: ArgsOf<F>) => Promise<OutputOf<F>>;
  /**
   * Everything the breaker has learned and decided, as JSON-safe data: state and backoff, each
   * trip policy's window and learned baseline, each window detector's window.
   */
  snapshot(): BreakerSnapshot;
  /**
   * Puts a snapshot back (into this guard or a new one, in this process or another). Policies are
   * matched by their options, window detectors by name; what has no match is named in `skipped`.
   * Bad data throws a `TypeError` and changes nothing.
   */
  restore(snapshot: BreakerSnapshot): RestoreReport;
  /**
   * Resolves once start-up work is done: the default detectors loaded (the toxicity model is
   * compiled) and the state restored from `store`. Calls wait for it on their own; await it at
   * start-up to keep that wait off the first request. Rejects when start-up failed.
   */
  ready(): Promise<void>;
  /** Saves to `store` (if any), releases every listener and abandons queued async detectors; later calls throw `DisposedError`. */
  dispose(): void;
}

export interface HandleParts {
  readonly core: Core;
  readonly events: TypedEmitter<GuardEvents>;
  readonly counts: Counts;
  readonly liveParts: LiveParts;
  readonly call: (args: unknown[], perCall: CallOptions | undefined) => Promise<unknown>;
  readonly transitions: Transitions;
  readonly ready: () => Promise<void>;
  /** Raw options as given, for `reconfigure()` to merge changes into. */
  readonly options: Record<string, unknown>;
  readonly onDispose: () => void;
}

export function createHandle<F extends ModelFunction>(parts: HandleParts): GuardHandle<F> {
  const { core, events, counts, liveParts } = parts;
  const { name, where, clock, machine, observe } = core;
  let raw = parts.options;
  const action = (kind: string, message: string, fields: Record<string, unknown>, level: 'info' | 'warn' = 'info') =>
    observe.emit('action', { action: kind, level, message, fields });
  const actorOf = (by: ActionBy | undefined): { actor?: string } =>
    typeof by?.actor === 'string' && by.actor !== '' ? { actor: by.actor } : {};
  const internals: GuardInternals = {
    clock,
    counts: () => {
      const { total, servedByPrimary, servedByFallback, servedBySafeReply, failed, blocked, exhausted } = counts;
      return { total, servedByPrimary, servedByFallback, servedBySafeReply, failed, blocked, exhausted };
    },
    subscribe: (s) => observe.subscribe(s),
    incidentStats: undefined,
  };

  const handle: GuardHandle<F> = {
    get breakerName() {
      return name;
    },
    get state() {
      return machine.state(clock());
    },
    get mode() {
      return core.mode;
    },
    get disposed() {
      return core.disposed;
    },
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
    forceOpen(reason, by) {
      if (typeof reason !== 'string' || reason.trim() === '') {
        throw new TypeError(
          `${where}.forceOpen(reason): a reason is required: it goes into the log, the forced-open event and (with an incident log attached) the incident record`,
        );
      }
      const actor = actorOf(by);
      action('force-open', `breaker ${name} forced open`, { reason, ...actor }, 'warn');
      // The kill switch must move traffic whatever the mode: it switches a shadow or disabled breaker to enforce.
      if (core.mode !== 'enforce') {
        action(
          'set-mode',
          `breaker ${name} mode enforce (forced open)`,
          { from: core.mode, to: 'enforce', ...actor },
          'warn',
        );
        core.mode = 'enforce';
        observe.emit('mode', 'enforce');
      }
      machine.forceOpen(reason, clock());
    },
    reset(reason = 'manual reset', by) {
      action('reset', `breaker ${name} reset`, { reason, ...actorOf(by) });
      forgetWindows(core);
      machine.reset(reason, clock());
      if (core.mode === 'disabled') machine.disable('mode is disabled', clock());
    },
    setMode(next, reason = `mode set to ${next}`, by) {
      if (next !== 'enforce' && next !== 'shadow' && next !== 'disabled') {
        throw new TypeError(`${where}.setMode(): mode must be "enforce", "shadow" or "disabled" (got ${String(next)})`);
      }
      if (next === core.mode) return;
      action('set-mode', `breaker ${name} mode ${next}`, { from: core.mode, to: next, reason, ...actorOf(by) });
      const was = core.mode;
      core.mode = next;
      observe.emit('mode', next);
      if (next === 'disabled') machine.disable(reason, clock());
      else if (was === 'disabled') machine.reset(reason, clock());
      // A shadow trip was a verdict on paper: enforcing starts from closed rather than cutting the
      // primary at once. To act on it, forceOpen() deliberately.
      else if (was === 'shadow' && machine.state(clock()) !== 'closed') {
        forgetWindows(core);
        machine.reset(`${reason}; the shadow state (${machine.state(clock())}) is not carried into enforce`, clock());
      }
    },
    stats() {
      const now = clock();
      const { trips, detectorErrors, budgetOverruns, asyncDropped, ...calls } = counts;
      return {
        name,
        state: machine.state(now),
        mode: core.mode,
        retryAfterMs: machine.retryAfterMs(now),
        calls,
        trips,
        detectorErrors,
        budgetOverruns,
        asyncQueue: { depth: core.live.asyncQueue?.depth ?? 0, dropped: asyncDropped },
        policies: core.live.policies.map((p) => p.snapshot(now)),
        lastTransition: parts.transitions.last,
        lastDetectionDelay: parts.transitions.lastDetectionDelay,
        windows: windowSnapshots(core, now),
        ...(internals.incidentStats && { incidents: internals.incidentStats() }),
      };
    },
    reconfigure(changes) {
      if (core.disposed) throw new DisposedError(name);
      const at = `${where}.reconfigure()`;
      if (typeof changes !== 'object' || changes === null)
        throw new TypeError(`${at}: expected an object of options to change`);
      const allowed: readonly string[] = RECONFIGURABLE;
      const fixed = Object.keys(changes).filter((k) => !allowed.includes(k));
      if (fixed.length > 0) {
        throw new TypeError(
          `${at}: ${fixed.map((k) => `"${k}"`).join(', ')} cannot change at run time (can: ${RECONFIGURABLE.join(', ')})`,
        );
      }
      const c = changes as Record<string, unknown>;
      // Option groups given in part change only what they name; anything but an object goes to the parser as given.
      const merged: Record<string, unknown> = { ...raw, ...c };
      for (const group of ['recovery', 'stream'])
        if (isObject(c[group])) merged[group] = { ...(raw[group] as object | undefined), ...c[group] };
      const next = parseOptions(guardOptionsRule, merged, at);
      const built = buildLive(next, at, liveParts, core.live); // throws before anything changes
      raw = merged;
      core.live = built;
      machine.setRecovery(next.recovery);
      if ('mode' in c && next.mode !== core.mode) handle.setMode(next.mode, 'reconfigured');
      action('reconfigure', `breaker ${name} reconfigured`, { changed: Object.keys(c) });
    },
    with: (callOptions) => ((...args: unknown[]) => parts.call(args, callOptions)) as never,
    snapshot: () => takeSnapshot(core),
    restore(snapshot) {
      if (core.disposed) throw new DisposedError(name);
      const report = applySnapshot(core, snapshot, `${where}.restore()`);
      action(
        'restore',
        `breaker ${name} restored from a snapshot`,
        { state: machine.state(clock()), ...report },
        'warn',
      );
      observe.emit('restored', machine.state(clock()));
      return report;
    },
    ready: () => parts.ready(),
    dispose() {
      if (core.disposed) return;
      core.disposed = true;
      parts.onDispose();
    },
  };
  Object.defineProperty(handle, GUARD_INTERNALS, { value: internals });
  return handle;
}
