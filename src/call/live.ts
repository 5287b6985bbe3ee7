/**
 * The live settings: everything options decide, built as one unit that `reconfigure()` swaps.
 * A call keeps the unit it started with.
 */
import { createPolicy, isTripPolicy, type TripPolicy } from '../breaker/policies/index.js';
import { AsyncDetectorQueue, type AsyncQueueHooks } from '../detectors/async-queue.js';
import { HotPathRunner, type HotPathHooks } from '../detectors/hot-path.js';
import {
  isAsyncDetector,
  isHotPathDetector,
  isWindowDetector,
  type AsyncDetector,
  type Detector,
  type WindowDetector,
} from '../detectors/types.js';
import { detectorNamesProblem, type ParsedGuardOptions } from '../options.js';
import { DeadlineQueue } from '../routing/deadlines.js';
import type { InvokeOptions } from '../routing/invoke.js';
import { toRoute, type Route } from '../routing/routes.js';
import type { BreakerMetrics } from '../telemetry/metrics.js';
import type { Observe } from './observe.js';

export type AnyRoute = Route<unknown[], unknown>;

export interface Live {
  readonly o: ParsedGuardOptions;
  readonly detectors: readonly Detector[];
  /** No `detectors` option was given: the default detectors run (once loaded). */
  readonly usesDefaults: boolean;
  readonly asyncDetectors: readonly AsyncDetector[];
  readonly windowDetectors: readonly WindowDetector[];
  readonly policies: readonly TripPolicy[];
  /** JSON of each policy's spec ('' for a policy instance): unchanged policies keep their windows across a reconfigure, and snapshots match policies by it. */
  readonly policySpecs: readonly string[];
  readonly hotPath: HotPathRunner;
  readonly asyncQueue: AsyncDetectorQueue | undefined;
  /** The primary, then the fallbacks. */
  readonly routes: readonly AnyRoute[];
  /** Timeout, retry and deadline queue shared by this unit's calls. */
  readonly invoke: InvokeOptions;
}

/** What building needs from the guard, fixed for its life. */
export interface LiveParts {
  readonly name: string;
  readonly primary: AnyRoute;
  readonly metrics: BreakerMetrics;
  readonly hotPathHooks: HotPathHooks;
  readonly asyncHooks: AsyncQueueHooks;
  /** Every async queue and deadline queue ever built: a replaced one drains its calls, and dispose() releases them all. */
  readonly asyncQueues: Set<AsyncDetectorQueue>;
  readonly deadlineQueues: Set<DeadlineQueue>;
  /** The default detectors once loaded (undefined until then). */
  readonly defaults: () => readonly Detector[] | undefined;
}

/**
 * The options `reconfigure()` can change. `probes` is read when a suite starts: a new list applies
 * to the next run; `stream` is read when a call starts: a stream already open keeps its options.
 */
export const RECONFIGURABLE = [
  'detectors',
  'fallbacks',
  'trip',
  'recovery',
  'budgetMs',
  'timeoutMs',
  'retry',
  'onDetectorError',
  'mode',
  'asyncQueue',
  'probes',
  'stream',
] as const;

/**
 * Builds what options decide. Throws before building anything on bad input; keeps policies (and
 * their windows), the async queue and the deadline queue when their settings are unchanged.
 */
export function buildLive(next: ParsedGuardOptions, at: string, parts: LiveParts, previous?: Live): Live {
  const usesDefaults = next.detectors === undefined;
  const detectors = next.detectors ?? parts.defaults() ?? [];
  checkDetectorNames(detectors, at);
  const fallbacks = toFallbacks(next.fallbacks, at);
  const { policies, policySpecs } = buildPolicies(next.trip, previous);
  const asyncDetectors = detectors.filter(isAsyncDetector);
  const sameAsync =
    previous?.asyncQueue !== undefined &&
    previous.asyncDetectors.length === asyncDetectors.length &&
    asyncDetectors.every((d, i) => d === previous.asyncDetectors[i]) &&
    JSON.stringify(next.asyncQueue) === JSON.stringify(previous.o.asyncQueue);
  const asyncQueue =
    asyncDetectors.length === 0
      ? undefined
      : sameAsync
        ? previous.asyncQueue
        : new AsyncDetectorQueue(asyncDetectors, next.asyncQueue, parts.asyncHooks);
  if (asyncQueue) parts.asyncQueues.add(asyncQueue);
  const hotDetectors = detectors.filter(isHotPathDetector);
  const hotPath = new HotPathRunner(
    hotDetectors,
    next.budgetMs,
    next.onDetectorError,
    parts.metrics,
    parts.hotPathHooks,
  );
  const deadlines =
    next.timeoutMs === 0
      ? undefined
      : previous?.invoke.timeoutMs === next.timeoutMs
        ? previous.invoke.deadlines
        : new DeadlineQueue(next.timeoutMs);
  if (deadlines) parts.deadlineQueues.add(deadlines);
  const routes = [parts.primary, ...fallbacks];
  parts.metrics.blockable(routes, hotDetectors);
  return {
    o: next,
    detectors,
    usesDefaults,
    asyncDetectors,
    windowDetectors: detectors.filter(isWindowDetector),
    policies,
    policySpecs,
    hotPath,
    asyncQueue,
    routes,
    invoke: { breaker: parts.name, deadlines, timeoutMs: next.timeoutMs, retry: next.retry, signal: undefined },
  };
}

/** The options' schema checks the detectors given; this checks the list that runs, defaults included. */
function checkDetectorNames(list: readonly Detector[], at: string): void {
  const problem = detectorNamesProblem(list);
  if (problem === undefined) return;
  const path = problem.index === undefined ? 'detectors' : `detectors.${problem.index}`;
  throw new TypeError(`${at}: option "${path}": ${problem.message}`);
}

function toFallbacks(list: ParsedGuardOptions['fallbacks'], at: string): AnyRoute[] {
  const routes = (list as Parameters<typeof toRoute<unknown[], unknown>>[0][]).map(toRoute);
  const routeNames = new Set(['primary']);
  for (const route of routes) {
    if (routeNames.has(route.name)) {
      throw new TypeError(
        `${at}: option "fallbacks": two routes are named "${route.name}"; give each fallback a unique name`,
      );
    }
    routeNames.add(route.name);
  }
  return routes;
}

function buildPolicies(
  trip: ParsedGuardOptions['trip'],
  previous: Live | undefined,
): { policies: TripPolicy[]; policySpecs: string[] } {
  const used = new Set<number>();
  const policySpecs: string[] = [];
  const policies = (Array.isArray(trip) ? trip : [trip]).map((p: TripPolicy | Parameters<typeof createPolicy>[0]) => {
    if (isTripPolicy(p)) {
      policySpecs.push('');
      return p;
    }
    const key = JSON.stringify(p);
    policySpecs.push(key);
    const i = previous ? previous.policySpecs.findIndex((k, j) => k === key && !used.has(j)) : -1;
    if (i < 0) return createPolicy(p);
    used.add(i);
    return previous!.policies[i]!;
  });
  return { policies, policySpecs };
}

/**
 * Checks what `buildLive` would refuse (detector names, fallback route names) without building
 * anything: `guard()` runs it before it writes its first metric series.
 */
export function checkOptions(next: ParsedGuardOptions, at: string): void {
  if (next.detectors) checkDetectorNames(next.detectors, at);
  toFallbacks(next.fallbacks, at);
}

/** What building needs, for one guard: its primary, metrics, the detector hooks, the loaded defaults. */
export function createLiveParts(
  name: string,
  primary: AnyRoute,
  metrics: BreakerMetrics,
  observe: Observe,
): LiveParts & { setDefaults(detectors: readonly Detector[]): void } {
  let defaults: readonly Detector[] | undefined;
  return {
    name,
    primary,
    metrics,
    ...detectorHooks(observe),
    asyncQueues: new Set(),
    deadlineQueues: new Set(),
    defaults: () => defaults,
    setDefaults: (detectors) => (defaults = detectors),
  };
}

/** The detector runners' hooks: what they report goes to `observe`. */
function detectorHooks(observe: Observe): Pick<LiveParts, 'hotPathHooks' | 'asyncHooks'> {
  return {
    hotPathHooks: {
      onDetectorError: (detector, error, input) =>
        observe.emit('detector-error', { detector, route: input.route, error, stage: 'hot-path' }),
      onBudgetExceeded: (detector, elapsedMs, budgetMs, input) =>
        observe.emit('budget-exceeded', { detector, route: input.route, elapsedMs, budgetMs }),
    },
    asyncHooks: {
      onSignals: (signals, _job, detectors) => observe.emit('async-signals', { signals, detectors }),
      onDetectorError: (detector, error) =>
        observe.emit('detector-error', { detector, route: 'primary', error, stage: 'async' }),
      onDepth: (depth) => observe.emit('async-depth', depth),
    },
  };
}
