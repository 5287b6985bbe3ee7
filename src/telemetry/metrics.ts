import type * as PromClient from 'prom-client';
import type { BreakerState } from '../breaker/state-machine.js';
import { BREAKER_STATES } from '../breaker/state-machine.js';
import { loadOptionalPeer } from './optional-peer.js';

/** How a call ended on one route. */
export type CallOutcome = 'success' | 'blocked' | 'error' | 'timeout' | 'rejected';
/** What a detector said about one output. */
export type DetectorVerdict = 'pass' | 'flag' | 'block' | 'error';

/** The metrics one breaker writes. A no-op without a registry. */
export interface BreakerMetrics {
  state(state: BreakerState): void;
  transition(from: BreakerState, to: BreakerState): void;
  call(route: string, outcome: CallOutcome, seconds: number): void;
  detector(detector: string, verdict: DetectorVerdict, seconds: number): void;
  blocked(route: string, detector: string): void;
  budgetOverrun(detector: string): void;
  asyncDropped(): void;
  asyncQueueDepth(depth: number): void;
}

/** Buckets for model calls: 50 ms to 2 minutes. */
export const CALL_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
/** Buckets for hot-path detectors: 1 µs to 100 ms. */
export const DETECTOR_DURATION_BUCKETS = [1e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 5e-3, 0.025, 0.1];

type Families = ReturnType<typeof createFamilies>;
const familiesByRegistry = new WeakMap<PromClient.Registry, Families>();

function createFamilies(registry: PromClient.Registry) {
  const prom = loadOptionalPeer<typeof PromClient>('prom-client', 'metrics');
  const registers = [registry];
  // Reuse a family another breaker (or another copy of this package) registered on this registry.
  const get = <M>(name: string, make: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? make();
  return {
    state: get('safety_breaker_state', () => new prom.Gauge({ name: 'safety_breaker_state', help: 'Breaker state: 1 for the current state, 0 for the others.', labelNames: ['breaker', 'state'], registers })),
    transitions: get('safety_breaker_transitions_total', () => new prom.Counter({ name: 'safety_breaker_transitions_total', help: 'State transitions of the breaker.', labelNames: ['breaker', 'from', 'to'], registers })),
    calls: get('safety_breaker_calls_total', () => new prom.Counter({ name: 'safety_breaker_calls_total', help: 'Route calls by route and outcome (success, blocked, error, timeout, rejected).', labelNames: ['breaker', 'route', 'outcome'], registers })),
    callDuration: get('safety_breaker_call_duration_seconds', () => new prom.Histogram({ name: 'safety_breaker_call_duration_seconds', help: 'Duration of route calls, in seconds.', labelNames: ['breaker', 'route'], buckets: CALL_DURATION_BUCKETS, registers })),
    evaluations: get('safety_breaker_detector_evaluations_total', () => new prom.Counter({ name: 'safety_breaker_detector_evaluations_total', help: 'Detector evaluations by verdict (pass, flag, block, error).', labelNames: ['breaker', 'detector', 'verdict'], registers })),
    detectorDuration: get('safety_breaker_detector_duration_seconds', () => new prom.Histogram({ name: 'safety_breaker_detector_duration_seconds', help: 'Duration of hot-path detector evaluations, in seconds.', labelNames: ['breaker', 'detector'], buckets: DETECTOR_DURATION_BUCKETS, registers })),
    blocked: get('safety_breaker_blocked_outputs_total', () => new prom.Counter({ name: 'safety_breaker_blocked_outputs_total', help: 'Outputs blocked before reaching the caller, by route and detector.', labelNames: ['breaker', 'route', 'detector'], registers })),
    budgetOverruns: get('safety_breaker_budget_overruns_total', () => new prom.Counter({ name: 'safety_breaker_budget_overruns_total', help: 'Calls whose hot-path detectors ran past the time budget, by the detector that crossed it.', labelNames: ['breaker', 'detector'], registers })),
    asyncDropped: get('safety_breaker_async_detector_dropped_total', () => new prom.Counter({ name: 'safety_breaker_async_detector_dropped_total', help: 'Async detector evaluations dropped because the queue was full.', labelNames: ['breaker'], registers })),
    asyncDepth: get('safety_breaker_async_detector_queue_depth', () => new prom.Gauge({ name: 'safety_breaker_async_detector_queue_depth', help: 'Async detector evaluations waiting or running.', labelNames: ['breaker'], registers })),
  } as {
    state: PromClient.Gauge<'breaker' | 'state'>;
    transitions: PromClient.Counter<'breaker' | 'from' | 'to'>;
    calls: PromClient.Counter<'breaker' | 'route' | 'outcome'>;
    callDuration: PromClient.Histogram<'breaker' | 'route'>;
    evaluations: PromClient.Counter<'breaker' | 'detector' | 'verdict'>;
    detectorDuration: PromClient.Histogram<'breaker' | 'detector'>;
    blocked: PromClient.Counter<'breaker' | 'route' | 'detector'>;
    budgetOverruns: PromClient.Counter<'breaker' | 'detector'>;
    asyncDropped: PromClient.Counter<'breaker'>;
    asyncDepth: PromClient.Gauge<'breaker'>;
  };
}

const NOOP: BreakerMetrics = {
  state() {},
  transition() {},
  call() {},
  detector() {},
  blocked() {},
  budgetOverrun() {},
  asyncDropped() {},
  asyncQueueDepth() {},
};

/** Metrics for one breaker on the app's registry; label children are cached so the hot path does no label lookups twice. */
export function createBreakerMetrics(registry: PromClient.Registry | undefined, breaker: string): BreakerMetrics {
  if (!registry) return NOOP;
  let families = familiesByRegistry.get(registry);
  if (!families) familiesByRegistry.set(registry, (families = createFamilies(registry)));
  const f = families;
  const cache = new Map<string, { inc(n?: number): void; observe?(v: number): void }>();
  const child = <T>(key: string, make: () => T): T => {
    let c = cache.get(key) as T | undefined;
    if (!c) cache.set(key, (c = make()) as never);
    return c;
  };

  for (const state of BREAKER_STATES) f.state.set({ breaker, state }, state === 'closed' ? 1 : 0);
  f.asyncDepth.set({ breaker }, 0);
  f.asyncDropped.inc({ breaker }, 0);

  return {
    state(current) {
      for (const state of BREAKER_STATES) f.state.set({ breaker, state }, state === current ? 1 : 0);
    },
    transition(from, to) {
      f.transitions.inc({ breaker, from, to });
    },
    call(route, outcome, seconds) {
      child(`c|${route}|${outcome}`, () => f.calls.labels({ breaker, route, outcome })).inc();
      child(`d|${route}`, () => f.callDuration.labels({ breaker, route })).observe(seconds);
    },
    detector(detector, verdict, seconds) {
      child(`e|${detector}|${verdict}`, () => f.evaluations.labels({ breaker, detector, verdict })).inc();
      if (verdict !== 'error') child(`t|${detector}`, () => f.detectorDuration.labels({ breaker, detector })).observe(seconds);
    },
    blocked(route, detector) {
      child(`b|${route}|${detector}`, () => f.blocked.labels({ breaker, route, detector })).inc();
    },
    budgetOverrun(detector) {
      child(`o|${detector}`, () => f.budgetOverruns.labels({ breaker, detector })).inc();
    },
    asyncDropped() {
      f.asyncDropped.inc({ breaker });
    },
    asyncQueueDepth(depth) {
      f.asyncDepth.set({ breaker }, depth);
    },
  };
}
