import type * as PromClient from 'prom-client';
import type { PolicySnapshot } from '../breaker/policies/types.js';
import type { BreakerState } from '../breaker/state-machine.js';
import { BREAKER_STATES } from '../breaker/state-machine.js';
import { familyOn } from './family.js';
import { loadOptionalPeer } from './optional-peer.js';
import { packageVersion } from './version.js';

/** How a call ended on one route. */
export type CallOutcome = 'success' | 'blocked' | 'error' | 'timeout' | 'rejected';
/** What a detector said about one output. */
export type DetectorVerdict = 'pass' | 'flag' | 'block' | 'error';
/**
 * How a call that the primary did not serve ended: a fallback route `served` it, the static
 * `safe_reply` did, or every route was `exhausted` (the caller got an error).
 */
export type FallbackResult = 'served' | 'safe_reply' | 'exhausted';

/** What the breaker shows at scrape time: read lazily, so the hot path pays nothing for it. */
export interface MetricsSnapshot {
  readonly state: BreakerState;
  readonly policies: readonly PolicySnapshot[];
  /** Window detectors (fairness) with their groups: sufficient vs insufficient data. */
  readonly windows?: readonly {
    readonly detector: string;
    readonly groups: readonly { readonly insufficient: boolean }[];
  }[];
}

/** The metrics one breaker writes. A no-op without a registry. */
interface Named {
  readonly name: string;
}

export interface BreakerMetrics {
  state(state: BreakerState): void;
  /** The breaker's mode: in shadow, its state is what it would be, and traffic never moves. */
  mode(mode: 'enforce' | 'shadow' | 'disabled'): void;
  transition(from: BreakerState, to: BreakerState): void;
  call(route: string, outcome: CallOutcome, seconds: number): void;
  /** The breaker refused the primary (open, forced open, or half-open with every probe slot taken). */
  notPermitted(): void;
  /** A call the primary did not serve: who served it, or that nobody did. */
  fallback(result: FallbackResult): void;
  /** Counts an evaluation; `seconds` (hot-path detectors only) goes to the duration histogram. */
  detector(detector: string, verdict: DetectorVerdict, seconds?: number): void;
  blocked(route: string, detector: string): void;
  /** The routes and the detectors that can block their outputs: each pair's blocked-output series starts at 0. */
  blockable(routes: readonly Named[], detectors: readonly Named[]): void;
  budgetOverrun(detector: string): void;
  asyncDropped(): void;
  asyncQueueDepth(depth: number): void;
  /** A trip whose policy estimated the change's onset: time to detect, in calls and (when known) seconds. */
  detectionDelay(policy: string, calls: number, seconds: number | undefined): void;
  /**
   * Registers the reader of the breaker's state and windows, called at scrape time; returns the
   * function that unregisters it (call it on dispose): it stops this instance's writes and, once no
   * live guard of this name is left on the registry, removes every series labelled with the breaker.
   */
  source(read: () => MetricsSnapshot): () => void;
}

/** Buckets for model calls: 50 ms to 2 minutes. */
export const CALL_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
/** Buckets for hot-path detectors: 1 µs to 100 ms. */
export const DETECTOR_DURATION_BUCKETS = [1e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 5e-3, 0.025, 0.1];

/** Buckets for time to detect: 1 s to 6 h. */
export const DETECTION_DELAY_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 10800, 21600];
/** Buckets for calls to detect: 10 to 100 000 calls. */
export const DETECTION_DELAY_CALL_BUCKETS = [10, 25, 50, 100, 200, 400, 800, 1600, 3200, 10000, 100000];

const MODES = ['enforce', 'shadow', 'disabled'] as const;
const FALLBACK_RESULTS: readonly FallbackResult[] = ['served', 'safe_reply', 'exhausted'];

type Families = ReturnType<typeof createFamilies>;
const familiesByRegistry = new WeakMap<PromClient.Registry, Families>();

type Labels = Record<string, string>;

/** One series a breaker wrote: its label child (cached, so the hot path does no label lookups twice) and how to remove it. */
interface Series {
  readonly child: unknown;
  readonly remove: () => void;
}

/**
 * The series of one breaker name on one registry, shared by every guard of that name: two guards
 * with one name write the same series (counters add up; a gauge shows whichever wrote last), and
 * the series go when the last of them is disposed.
 */
interface BreakerSeries {
  /** The scrape-time readers of the live guards of this name; the scrape reads the newest. */
  readonly readers: (() => MetricsSnapshot)[];
  /** Every series written for this name, by key. */
  readonly series: Map<string, Series>;
  /** The window series the last scrape set (they are rewritten on every scrape). */
  windowLabels: { readonly policies: readonly Labels[]; readonly groups: readonly Labels[] };
}

const NO_WINDOWS: BreakerSeries['windowLabels'] = { policies: [], groups: [] };

function createFamilies(registry: PromClient.Registry) {
  const prom = loadOptionalPeer<typeof PromClient>('prom-client', 'metrics');
  const registers = [registry];
  /** The series and scrape-time readers of every breaker name on this registry. */
  const breakers = new Map<string, BreakerSeries>();
  const get = familyOn(registry);
  // Scrape-time refresh: reading each breaker's state applies lazy transitions (open → half-open) before the state series are serialised.
  const refresh = (): void => refreshWindows(families, breakers);
  const families = {
    breakers,
    state: get(
      'safety_breaker_state',
      (name) =>
        new prom.Gauge({
          name,
          help: 'Breaker state: 1 for the current state, 0 for the others.',
          labelNames: ['breaker', 'state'],
          registers,
          collect: refresh,
        }),
    ),
    mode: get(
      'safety_breaker_mode',
      (name) =>
        new prom.Gauge({
          name,
          help: 'Breaker mode: 1 for the current mode (enforce, shadow, disabled), 0 for the others. In shadow mode the state series show what the breaker would do; traffic never moves.',
          labelNames: ['breaker', 'mode'],
          registers,
        }),
    ),
    transitions: get(
      'safety_breaker_transitions_total',
      (name) =>
        new prom.Counter({
          name,
          help: 'State transitions of the breaker.',
          labelNames: ['breaker', 'from', 'to'],
          registers,
        }),
    ),
    lastTransition: get(
      'safety_breaker_last_transition_timestamp_seconds',
      (name) =>
        new prom.Gauge({
          name,
          help: "Unix time of the last state change (or of the breaker's creation), in seconds.",
          labelNames: ['breaker'],
          registers,
        }),
    ),
    calls: get(
      'safety_breaker_calls_total',
      (name) =>
        new prom.Counter({
          name,
          help: 'Route calls by route and outcome (success, blocked, error, timeout, rejected).',
          labelNames: ['breaker', 'route', 'outcome'],
          registers,
        }),
    ),
    callDuration: get(
      'safety_breaker_call_duration_seconds',
      (name) =>
        new prom.Histogram({
          name,
          help: 'Duration of route calls, in seconds.',
          labelNames: ['breaker', 'route'],
          buckets: CALL_DURATION_BUCKETS,
          registers,
        }),
    ),
    notPermitted: get(
      'safety_breaker_calls_not_permitted_total',
      (name) =>
        new prom.Counter({
          name,
          help: 'Calls the breaker did not let reach the primary because it was open, forced open, or out of half-open probe slots.',
          labelNames: ['breaker'],
          registers,
        }),
    ),
    fallback: get(
      'safety_breaker_fallback_calls_total',
      (name) =>
        new prom.Counter({
          name,
          help: 'Calls the primary did not serve, by result: served (by a fallback route), safe_reply, exhausted (the caller got an error).',
          labelNames: ['breaker', 'result'],
          registers,
        }),
    ),
    evaluations: get(
      'safety_breaker_detector_evaluations_total',
      (name) =>
        new prom.Counter({
          name,
          help: 'Detector evaluations by verdict (pass, flag, block, error).',
          labelNames: ['breaker', 'detector', 'verdict'],
          registers,
        }),
    ),
    detectorDuration: get(
      'safety_breaker_detector_duration_seconds',
      (name) =>
        new prom.Histogram({
          name,
          help: 'Duration of hot-path detector evaluations, in seconds.',
          labelNames: ['breaker', 'detector'],
          buckets: DETECTOR_DURATION_BUCKETS,
          registers,
        }),
    ),
    blocked: get(
      'safety_breaker_blocked_outputs_total',
      (name) =>
        new prom.Counter({
          name,
          help: 'Outputs blocked before reaching the caller, by route and detector.',
          labelNames: ['breaker', 'route', 'detector'],
          registers,
        }),
    ),
    budgetOverruns: get(
      'safety_breaker_budget_overruns_total',
      (name) =>
        new prom.Counter({
          name,
          help: 'Calls whose hot-path detectors ran past the time budget, by the detector that crossed it.',
          labelNames: ['breaker', 'detector'],
          registers,
        }),
    ),
    windowRatio: get(
      'safety_breaker_window_flag_ratio',
      (name) =>
        new prom.Gauge({
          name,
          help: 'The statistic each trip policy compares with its threshold over the current window: the flag ratio (rate) or its Wilson lower bound (wilson), 0 to 1.',
          labelNames: ['breaker', 'policy'],
          registers,
          collect: refresh,
        }),
    ),
    windowCalls: get(
      'safety_breaker_window_calls',
      (name) =>
        new prom.Gauge({
          name,
          help: 'Calls in the current window of each trip policy.',
          labelNames: ['breaker', 'policy'],
          registers,
          collect: refresh,
        }),
    ),
    threshold: get(
      'safety_breaker_trip_threshold_ratio',
      (name) =>
        new prom.Gauge({
          name,
          help: 'The configured trip threshold of each policy, 0 to 1: the breaker trips when safety_breaker_window_flag_ratio reaches it.',
          labelNames: ['breaker', 'policy'],
          registers,
          collect: refresh,
        }),
    ),
    asyncDropped: get(
      'safety_breaker_async_detector_dropped_total',
      (name) =>
        new prom.Counter({
          name,
          help: 'Async detector evaluations dropped because the queue was full.',
          labelNames: ['breaker'],
          registers,
        }),
    ),
    asyncDepth: get(
      'safety_breaker_async_detector_queue_depth',
      (name) =>
        new prom.Gauge({
          name,
          help: 'Async detector evaluations waiting or running.',
          labelNames: ['breaker'],
          registers,
        }),
    ),
    detectionDelay: get(
      'safety_breaker_detection_delay_seconds',
      (name) =>
        new prom.Histogram({
          name,
          help: 'Time from the estimated onset of a change (CUSUM change point) to the trip, in seconds.',
          labelNames: ['breaker', 'policy'],
          buckets: DETECTION_DELAY_BUCKETS,
          registers,
        }),
    ),
    detectionDelayCalls: get(
      'safety_breaker_detection_delay_calls',
      (name) =>
        new prom.Histogram({
          name,
          help: 'Calls from the estimated onset of a change (CUSUM change point) to the trip.',
          labelNames: ['breaker', 'policy'],
          buckets: DETECTION_DELAY_CALL_BUCKETS,
          registers,
        }),
    ),
    windowGroups: get(
      'safety_breaker_window_groups',
      (name) =>
        new prom.Gauge({
          name,
          help: 'Groups a window detector (fairness) sees in its window, by status: sufficient (compared) or insufficient (fewer calls than minPerGroup: reported, never compared).',
          labelNames: ['breaker', 'detector', 'status'],
          registers,
          collect: refresh,
        }),
    ),
    buildInfo: get(
      'safety_breaker_build_info',
      (name) =>
        new prom.Gauge({
          name,
          help: 'Always 1; the version label says which safety-breaker wrote these metrics.',
          labelNames: ['version'],
          registers,
        }),
    ),
  } as {
    breakers: Map<string, BreakerSeries>;
    state: PromClient.Gauge<'breaker' | 'state'>;
    mode: PromClient.Gauge<'breaker' | 'mode'>;
    transitions: PromClient.Counter<'breaker' | 'from' | 'to'>;
    lastTransition: PromClient.Gauge<'breaker'>;
    calls: PromClient.Counter<'breaker' | 'route' | 'outcome'>;
    callDuration: PromClient.Histogram<'breaker' | 'route'>;
    notPermitted: PromClient.Counter<'breaker'>;
    fallback: PromClient.Counter<'breaker' | 'result'>;
    evaluations: PromClient.Counter<'breaker' | 'detector' | 'verdict'>;
    detectorDuration: PromClient.Histogram<'breaker' | 'detector'>;
    blocked: PromClient.Counter<'breaker' | 'route' | 'detector'>;
    budgetOverruns: PromClient.Counter<'breaker' | 'detector'>;
    windowRatio: PromClient.Gauge<'breaker' | 'policy'>;
    windowCalls: PromClient.Gauge<'breaker' | 'policy'>;
    threshold: PromClient.Gauge<'breaker' | 'policy'>;
    asyncDropped: PromClient.Counter<'breaker'>;
    asyncDepth: PromClient.Gauge<'breaker'>;
    detectionDelay: PromClient.Histogram<'breaker' | 'policy'>;
    detectionDelayCalls: PromClient.Histogram<'breaker' | 'policy'>;
    windowGroups: PromClient.Gauge<'breaker' | 'detector' | 'status'>;
    buildInfo: PromClient.Gauge<'version'>;
  };
  families.buildInfo.set({ version: packageVersion() }, 1);
  return families;
}

/** Sets the window gauges from every live breaker's policies; series of disposed breakers disappear. */
function refreshWindows(f: Families, breakers: Map<string, BreakerSeries>): void {
  f.windowRatio.reset();
  f.windowCalls.reset();
  f.threshold.reset();
  f.windowGroups.reset();
  for (const [breaker, entry] of breakers) {
    entry.windowLabels = NO_WINDOWS;
    const read = entry.readers[entry.readers.length - 1];
    if (read === undefined) continue;
    let snapshot: MetricsSnapshot;
    try {
      snapshot = read();
    } catch {
      continue; // a disposed or broken breaker must not break the scrape
    }
    const policies: Labels[] = [];
    const groups: Labels[] = [];
    const seen = new Map<string, number>();
    for (const p of snapshot.policies) {
      // Two policies of the same kind on one breaker get distinct labels: rate, rate-2, …
      const n = (seen.get(p.policy) ?? 0) + 1;
      seen.set(p.policy, n);
      const labels = { breaker, policy: n === 1 ? p.policy : `${p.policy}-${n}` };
      f.windowRatio.set(labels, p.value);
      f.windowCalls.set(labels, p.calls);
      f.threshold.set(labels, p.threshold);
      policies.push(labels);
    }
    for (const w of snapshot.windows ?? []) {
      const insufficient = w.groups.filter((g) => g.insufficient).length;
      const sufficientLabels = { breaker, detector: w.detector, status: 'sufficient' };
      const insufficientLabels = { breaker, detector: w.detector, status: 'insufficient' };
      f.windowGroups.set(sufficientLabels, w.groups.length - insufficient);
      f.windowGroups.set(insufficientLabels, insufficient);
      groups.push(sufficientLabels, insufficientLabels);
    }
    entry.windowLabels = { policies, groups };
  }
}

/** Removes every series of `breaker` from every family (prom-client's `remove(labels)` per label set written). */
function removeBreaker(f: Families, breaker: string, entry: BreakerSeries): void {
  for (const s of entry.series.values()) s.remove();
  entry.series.clear();
  for (const labels of entry.windowLabels.policies) {
    f.windowRatio.remove(labels);
    f.windowCalls.remove(labels);
    f.threshold.remove(labels);
  }
  for (const labels of entry.windowLabels.groups) f.windowGroups.remove(labels);
  entry.windowLabels = NO_WINDOWS;
  if (f.breakers.get(breaker) === entry) f.breakers.delete(breaker);
}

const NOOP: BreakerMetrics = {
  state() {},
  mode() {},
  transition() {},
  call() {},
  notPermitted() {},
  fallback() {},
  detector() {},
  blocked() {},
  blockable() {},
  budgetOverrun() {},
  asyncDropped() {},
  asyncQueueDepth() {},
  detectionDelay() {},
  source: () => () => {},
};

/**
 * Metrics for one breaker on the app's registry; label children are cached so the hot path does no
 * label lookups twice. Every series it writes is remembered, so that the unregister function
 * `source()` returns (called on dispose) removes them all once no live guard of this name is left
 * on the registry; after that, this instance writes nothing.
 */
export function createBreakerMetrics(registry: PromClient.Registry | undefined, breaker: string): BreakerMetrics {
  if (!registry) return NOOP;
  let families = familiesByRegistry.get(registry);
  if (!families) familiesByRegistry.set(registry, (families = createFamilies(registry)));
  const f = families;
  const entry: BreakerSeries = f.breakers.get(breaker) ?? { readers: [], series: new Map(), windowLabels: NO_WINDOWS };
  f.breakers.set(breaker, entry);
  const { series } = entry;
  /** The label child of `labels` in `family`, created (and remembered for removal) on first use. */
  const child = <L extends Labels, C>(
    key: string,
    family: { labels(labels: L): C; remove(labels: L): void },
    labels: L,
  ): C => {
    let s = series.get(key);
    if (!s) series.set(key, (s = { child: family.labels(labels), remove: () => family.remove(labels) }));
    return s.child as C;
  };
  let disposed = false;

  const states = BREAKER_STATES.map((state) => [state, child(`s|${state}`, f.state, { breaker, state })] as const);
  const lastTransition = child('l', f.lastTransition, { breaker });
  const notPermitted = child('n', f.notPermitted, { breaker });
  const rejected = child('c|primary|rejected', f.calls, { breaker, route: 'primary', outcome: 'rejected' });
  const asyncDepth = child('q', f.asyncDepth, { breaker });
  const asyncDropped = child('x', f.asyncDropped, { breaker });
  const blocked = (route: string, detector: string) =>
    child(`b|${route}|${detector}`, f.blocked, { breaker, route, detector });
  const setState = (current: BreakerState): void => {
    for (const [state, gauge] of states) gauge.set(state === current ? 1 : 0);
  };
  const modes = MODES.map((mode) => [mode, child(`m|${mode}`, f.mode, { breaker, mode })] as const);
  const setMode = (current: string): void => {
    for (const [mode, gauge] of modes) gauge.set(mode === current ? 1 : 0);
  };

  // Every series an alert needs exists from the start, so rate() and absent() behave.
  setState('closed');
  setMode('enforce');
  lastTransition.set(Date.now() / 1000);
  notPermitted.inc(0);
  // A trip is a move to "open": its series exist at 0, so increase() counts the first trip too.
  for (const from of ['closed', 'half-open'] as const)
    child(`r|${from}|open`, f.transitions, { breaker, from, to: 'open' }).inc(0);
  for (const result of FALLBACK_RESULTS) child(`f|${result}`, f.fallback, { breaker, result }).inc(0);
  asyncDepth.set(0);
  asyncDropped.inc(0);

  return {
    state(current) {
      if (!disposed) setState(current);
    },
    mode(current) {
      if (!disposed) setMode(current);
    },
    transition(from, to) {
      if (disposed) return;
      child(`r|${from}|${to}`, f.transitions, { breaker, from, to }).inc();
      // Wall time, not the guard's clock: the series says when it happened in the world.
      lastTransition.set(Date.now() / 1000);
    },
    call(route, outcome, seconds) {
      if (disposed) return;
      child(`c|${route}|${outcome}`, f.calls, { breaker, route, outcome }).inc();
      child(`d|${route}`, f.callDuration, { breaker, route }).observe(seconds);
    },
    notPermitted() {
      if (disposed) return;
      notPermitted.inc();
      rejected.inc();
    },
    fallback(result) {
      if (!disposed) child(`f|${result}`, f.fallback, { breaker, result }).inc();
    },
    detector(detector, verdict, seconds) {
      if (disposed) return;
      child(`e|${detector}|${verdict}`, f.evaluations, { breaker, detector, verdict }).inc();
      if (seconds !== undefined) child(`t|${detector}`, f.detectorDuration, { breaker, detector }).observe(seconds);
    },
    blocked(route, detector) {
      if (!disposed) blocked(route, detector).inc();
    },
    blockable(routes, detectors) {
      // At 0 from the start, so increase() counts the first blocked output too.
      for (const r of routes) for (const d of detectors) if (!disposed) blocked(r.name, d.name).inc(0);
    },
    budgetOverrun(detector) {
      if (!disposed) child(`o|${detector}`, f.budgetOverruns, { breaker, detector }).inc();
    },
    asyncDropped() {
      if (!disposed) asyncDropped.inc();
    },
    asyncQueueDepth(depth) {
      if (!disposed) asyncDepth.set(depth);
    },
    detectionDelay(policy, calls, seconds) {
      if (disposed) return;
      child(`k|${policy}`, f.detectionDelayCalls, { breaker, policy }).observe(calls);
      if (seconds !== undefined) child(`y|${policy}`, f.detectionDelay, { breaker, policy }).observe(seconds);
    },
    source(read) {
      entry.readers.push(read);
      return () => {
        const i = entry.readers.lastIndexOf(read);
        if (i < 0) return;
        entry.readers.splice(i, 1);
        // Calls still in flight after dispose() must not bring the series back: this instance writes no more.
        disposed = true;
        if (entry.readers.length === 0) removeBreaker(f, breaker, entry);
      };
    },
  };
}
