import {
  createPolicy,
  isTripPolicy,
  type PolicySnapshot,
  type TripDecision,
  type TripPolicy,
} from './breaker/policies/index.js';
import type { Observation } from './breaker/policies/types.js';
import { BreakerStateMachine, type Admission, type BreakerState, type Transition } from './breaker/state-machine.js';
import { currentContext } from './context.js';
import { AsyncDetectorQueue, type AsyncQueueHooks } from './detectors/async-queue.js';
import { HotPathRunner, type HotPathHooks } from './detectors/hot-path.js';
import { defaultDetectors } from './detectors/defaults.js';
import type { FairnessDetector, FairnessSnapshot } from './detectors/fairness.js';
import {
  isAsyncDetector,
  isHotPathDetector,
  isWindowDetector,
  type AsyncDetector,
  type CallContext,
  type Detector,
  type DetectorInput,
  type Signal,
  type WindowDetector,
} from './detectors/types.js';
import { BreakerOpenError, DisposedError, OutputBlockedError, isTimeoutError } from './errors.js';
import { TypedEmitter } from './events.js';
import {
  guardOptionsSchema,
  type ArgsOf,
  type GuardOptions,
  type Mode,
  type ModelFunction,
  type ParsedGuardOptions,
  type SafeReplyInfo,
} from './options.js';
import { monotonicNow } from './clock.js';
import { DeadlineQueue } from './routing/deadlines.js';
import { invokeRoute, type InvokeOptions } from './routing/invoke.js';
import { isRouteUnavailable, toRoute, type Route } from './routing/routes.js';
import { isCallerError } from './routing/transient.js';
import { describeError, silentLogger } from './telemetry/logging.js';
import { createBreakerMetrics, type CallOutcome } from './telemetry/metrics.js';
import { createTracing, type RouteSpan } from './telemetry/tracing.js';
import { defaultText } from './text/extract.js';
import { parseOptions } from './validation.js';

/** Events a guarded function emits. Payloads never carry prompts or outputs, only the call's context. */
export interface GuardEvents {
  /** Every route call: its outcome, latency and the detectors' signals. */
  outcome: {
    breaker: string;
    route: string;
    outcome: CallOutcome;
    latencyMs: number;
    signals: readonly Signal[];
    probe: boolean;
    context: CallContext;
  };
  /** An output was blocked: it did not reach the caller (unless in shadow mode). */
  block: {
    breaker: string;
    route: string;
    detectors: readonly string[];
    signals: readonly Signal[];
    shadow: boolean;
    context: CallContext;
  };
  /** Any state change. */
  transition: Transition & { breaker: string };
  /** A trip policy (or a failed probe) opened the breaker. */
  trip: {
    breaker: string;
    from: BreakerState;
    decision: TripDecision;
    openForMs: number;
    at: number;
    detectionDelay?: DetectionDelay;
  };
  /** The half-open probe suite finished: passed (real probes may now reach the primary) or failed (the breaker reopened). */
  'probe-suite': {
    breaker: string;
    at: number;
    passed: boolean;
    probes: number;
    failedProbe?: number;
    reason?: string;
  };
  'half-open': { breaker: string; at: number; reason: string };
  close: { breaker: string; at: number; reason: string; from: BreakerState };
  'forced-open': { breaker: string; at: number; reason: string };
  'detector-error': { breaker: string; detector: string; route: string; error: unknown };
  'budget-exceeded': { breaker: string; detector: string; route: string; elapsedMs: number; budgetMs: number };
  /** An async detector evaluation was dropped because the queue was full. */
  'async-dropped': { breaker: string; depth: number };
}

export interface BreakerStats {
  readonly name: string;
  readonly state: BreakerState;
  readonly mode: Mode;
  /** Milliseconds until the breaker admits a probe (0 when it does now). */
  readonly retryAfterMs: number;
  readonly calls: {
    total: number;
    servedByPrimary: number;
    servedByFallback: number;
    servedBySafeReply: number;
    failed: number;
    blocked: number;
    exhausted: number;
  };
  readonly trips: number;
  readonly detectorErrors: number;
  readonly budgetOverruns: number;
  readonly asyncQueue: { depth: number; dropped: number };
  readonly policies: readonly PolicySnapshot[];
  readonly lastTransition: Transition | undefined;
  /** Time to detect of the last trip whose policy estimated the onset (CUSUM). */
  readonly lastDetectionDelay: DetectionDelay | undefined;
  /** Window detectors that report their window (fairness): groups, rates, insufficient data. */
  readonly windows: readonly FairnessSnapshot[];
}

/** From the estimated onset of a change to the trip. */
export interface DetectionDelay {
  readonly policy: string;
  readonly calls: number;
  /** Undefined when the policy gave no onset time. */
  readonly seconds: number | undefined;
}

export interface CallOptions {
  /** Aborts this call on every route; the abort is not counted against the model. */
  signal?: AbortSignal;
  /** Context for this call's detectors and events. */
  context?: CallContext;
}

export interface GuardHandle<F extends ModelFunction> {
  readonly breakerName: string;
  /** The breaker's current state. */
  readonly state: BreakerState;
  readonly mode: Mode;
  readonly disposed: boolean;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof GuardEvents>(event: K, listener: (payload: GuardEvents[K]) => void): () => void;
  off<K extends keyof GuardEvents>(event: K, listener: (payload: GuardEvents[K]) => void): void;
  /** The kill switch: fallbacks serve until `reset()`. */
  forceOpen(reason: string): void;
  /** Closes the breaker and forgets its windows and backoff. */
  reset(reason?: string): void;
  /** enforce, shadow (detect and record, never switch traffic) or disabled (pass straight through). */
  setMode(mode: Mode, reason?: string): void;
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
  with(options: CallOptions): (...args: ArgsOf<F>) => ReturnType<F>;
  /** Releases every listener and abandons queued async detectors; later calls throw `DisposedError`. */
  dispose(): void;
}

/** The options `reconfigure()` can change at run time. */
export type ReconfigureOptions<F extends ModelFunction> = Partial<
  Pick<
    GuardOptions<F>,
    | 'detectors'
    | 'fallbacks'
    | 'trip'
    | 'recovery'
    | 'budgetMs'
    | 'timeoutMs'
    | 'retry'
    | 'onDetectorError'
    | 'mode'
    | 'asyncQueue'
    | 'probes'
  >
>;

// `probes` is read from the live unit when a suite starts: a new list applies to the next suite run.
const RECONFIGURABLE = new Set([
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
]);

/** What `reconfigure()` swaps as one unit. A call keeps the unit it started with. */
interface Live {
  readonly o: ParsedGuardOptions;
  readonly detectors: readonly Detector[];
  readonly asyncDetectors: readonly AsyncDetector[];
  readonly windowDetectors: readonly WindowDetector[];
  readonly policies: readonly TripPolicy[];
  /** JSON of each policy's spec ('' for a policy instance), to keep unchanged policies across a reconfigure. */
  readonly policySpecs: readonly string[];
  readonly hotPath: HotPathRunner;
  readonly asyncQueue: AsyncDetectorQueue | undefined;
  /** The primary, then the fallbacks. */
  readonly routes: readonly Route<unknown[], unknown>[];
  /** Timeout, retry and deadline queue shared by this unit's calls. */
  readonly invoke: InvokeOptions;
}

/** The guarded function: exactly `F`'s call signature, plus the breaker's handle. */
export type Guarded<F extends ModelFunction> = F & GuardHandle<F>;

type RouteResult<O> = { ok: true; output: O } | { ok: false; blockedBy?: string[]; error?: unknown };

/**
 * Wraps a model call. Every output is scanned by the hot-path detectors; a blocked output never
 * reaches the caller; trip policies open the breaker when the model turns unsafe, and fallbacks
 * serve until probes show the primary is healthy again.
 *
 * ```ts
 * const chat = guard((req: ChatRequest) => openai.chat.completions.create(req), {
 *   name: 'chat',
 *   fallbacks: [(req) => backup.chat.completions.create(req)],
 * });
 * const completion = await chat({ model: 'gpt-4o-mini', messages });
 * ```
 */
export function guard<F extends ModelFunction>(fn: F, options: GuardOptions<F>): Guarded<F> {
  if (typeof fn !== 'function')
    throw new TypeError(`guard(): the first argument must be the function to guard (got ${typeof fn})`);
  const where = `guard(${JSON.stringify((options as { name?: unknown } | undefined)?.name ?? '')})`;
  const o = parseOptions(guardOptionsSchema, options, where);
  const name = o.name;
  const clock = (o.clock as (() => number) | undefined) ?? monotonicNow;
  // With the default clock a call's start time doubles as its deadline's start (one clock read fewer).
  const deadlineStart = o.clock ? (): undefined => undefined : (now: number): number => now;
  const logger = o.logger ?? silentLogger;
  const metrics = createBreakerMetrics(o.registry, name);
  const tracing = createTracing(o.tracing as Parameters<typeof createTracing>[0], name);
  const textOf = (o.text as ((output: unknown) => string) | undefined) ?? defaultText;
  const contextOf = o.context as ((...args: unknown[]) => CallContext) | undefined;
  const safeReply = o.safeReply as SafeReplyInfo | ((info: SafeReplyInfo) => unknown) | undefined;
  const hasSafeReply = 'safeReply' in options && options.safeReply !== undefined;

  let raw = options as unknown as Record<string, unknown>;
  const checkDetectors = (list: readonly Detector[], at: string): void => {
    const names = new Set<string>();
    for (const d of list) {
      if (names.has(d.name))
        throw new TypeError(
          `${at}: option "detectors": two detectors are named "${d.name}"; names must be unique (they are metric labels)`,
        );
      names.add(d.name);
    }
  };
  const toFallbacks = (list: ParsedGuardOptions['fallbacks'], at: string): Route<unknown[], unknown>[] => {
    const routes = (list as Parameters<typeof toRoute<unknown[], unknown>>[0][]).map(toRoute);
    const routeNames = new Set(['primary']);
    for (const route of routes) {
      if (routeNames.has(route.name))
        throw new TypeError(
          `${at}: option "fallbacks": two routes are named "${route.name}"; give each fallback a unique name`,
        );
      routeNames.add(route.name);
    }
    return routes;
  };

  const primary: Route<unknown[], unknown> = {
    name: 'primary',
    call: (args) => (fn as unknown as (...a: unknown[]) => unknown)(...args),
  };

  let mode: Mode = o.mode;
  let disposed = false;
  const counts = {
    total: 0,
    servedByPrimary: 0,
    servedByFallback: 0,
    servedBySafeReply: 0,
    failed: 0,
    blocked: 0,
    exhausted: 0,
    trips: 0,
    detectorErrors: 0,
    budgetOverruns: 0,
    asyncDropped: 0,
  };
  let lastTransition: Transition | undefined;
  let lastDetectionDelay: DetectionDelay | undefined;
  // Probe suite: which half-open episode it is running for / has passed.
  let halfOpenEpoch = 0;
  let suiteRunning = -1;
  let suitePassed = -1;

  const events = new TypedEmitter<GuardEvents>((error, event) =>
    logger.warn({ breaker: name, event, ...describeError(error) }, 'event listener threw'),
  );

  const machine = new BreakerStateMachine(o.recovery, (t) => {
    lastTransition = t;
    metrics.state(t.to);
    metrics.transition(t.from, t.to);
    const record = {
      breaker: name,
      from: t.from,
      to: t.to,
      reason: t.reason,
      ...(t.decision && { policy: t.decision.policy, details: t.decision.details }),
      ...(t.openForMs !== undefined && { openForMs: t.openForMs }),
    };
    if (t.to === 'open') logger.warn(record, `breaker ${name} opened: ${t.reason}`);
    else logger.info(record, `breaker ${name} ${t.to}`);
    events.emit('transition', { ...t, breaker: name });
    if (t.to === 'open') {
      counts.trips++;
      tracing?.trip({
        from: t.from,
        policy: t.decision?.policy ?? 'unknown',
        reason: t.reason,
        openForMs: t.openForMs ?? 0,
        details: t.decision?.details ?? {},
      });
      for (const p of live.policies) p.reset();
      for (const w of live.windowDetectors) w.reset();
      const d = t.decision;
      const detectionDelay: DetectionDelay | undefined =
        d?.onsetCallsAgo === undefined
          ? undefined
          : {
              policy: d.policy,
              calls: d.onsetCallsAgo,
              seconds: d.onsetAt === undefined ? undefined : Math.max(0, t.at - d.onsetAt) / 1000,
            };
      if (detectionDelay) {
        lastDetectionDelay = detectionDelay;
        metrics.detectionDelay(detectionDelay.policy, detectionDelay.calls, detectionDelay.seconds);
      }
      events.emit('trip', {
        breaker: name,
        from: t.from,
        decision: t.decision!,
        openForMs: t.openForMs!,
        at: t.at,
        ...(detectionDelay && { detectionDelay }),
      });
    } else if (t.to === 'half-open') {
      halfOpenEpoch++;
      events.emit('half-open', { breaker: name, at: t.at, reason: t.reason });
    } else if (t.to === 'closed') {
      events.emit('close', { breaker: name, at: t.at, reason: t.reason, from: t.from });
    } else if (t.to === 'forced-open') {
      events.emit('forced-open', { breaker: name, at: t.at, reason: t.reason });
    }
  });
  if (mode === 'disabled') machine.disable('created disabled', clock());
  // Read at scrape time only: state (applying lazy open → half-open) and each policy's window.
  const stopMetrics = metrics.source(() => {
    const now = clock();
    return {
      state: machine.state(now),
      policies: live.policies.map((p) => p.snapshot(now)),
      windows: windowSnapshots(now),
    };
  });

  const hotPathHooks: HotPathHooks = {
    onDetectorError(detector, error, input) {
      counts.detectorErrors++;
      logger.error({ breaker: name, detector, route: input.route, ...describeError(error) }, 'detector threw');
      events.emit('detector-error', { breaker: name, detector, route: input.route, error });
    },
    onBudgetExceeded(detector, elapsedMs, budgetMs, input) {
      counts.budgetOverruns++;
      events.emit('budget-exceeded', { breaker: name, detector, route: input.route, elapsedMs, budgetMs });
    },
  };

  const asyncHooks: AsyncQueueHooks = {
    onSignals(signals) {
      for (const s of signals) metrics.detector(s.detector, s.blocked ? 'block' : s.flagged ? 'flag' : 'pass');
    },
    onDetectorError(detector, error) {
      counts.detectorErrors++;
      metrics.detector(detector, 'error');
      logger.error({ breaker: name, detector, ...describeError(error) }, 'async detector failed');
      events.emit('detector-error', { breaker: name, detector, route: 'primary', error });
    },
    onDepth: (depth) => metrics.asyncQueueDepth(depth),
  };

  // Every async queue and deadline queue ever built: a replaced one drains its calls, and dispose() releases them all.
  const queues = new Set<AsyncDetectorQueue>();
  const deadlineQueues = new Set<DeadlineQueue>();
  /** Builds what options decide. Throws before building anything on bad input; keeps policies (and their windows) whose spec is unchanged. */
  function build(next: ParsedGuardOptions, at: string, previous?: Live): Live {
    const detectors = next.detectors ?? previous?.detectors ?? defaultDetectors();
    checkDetectors(detectors, at);
    const fallbacks = toFallbacks(next.fallbacks, at);
    const used = new Set<number>();
    const policySpecs: string[] = [];
    const policies = (Array.isArray(next.trip) ? next.trip : [next.trip]).map(
      (p: TripPolicy | Parameters<typeof createPolicy>[0]) => {
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
      },
    );
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
          : new AsyncDetectorQueue(asyncDetectors, next.asyncQueue, asyncHooks);
    if (asyncQueue) queues.add(asyncQueue);
    const hotPath = new HotPathRunner(
      detectors.filter(isHotPathDetector),
      next.budgetMs,
      next.onDetectorError,
      metrics,
      hotPathHooks,
    );
    const deadlines =
      next.timeoutMs === 0
        ? undefined
        : previous?.invoke.timeoutMs === next.timeoutMs
          ? previous.invoke.deadlines
          : new DeadlineQueue(next.timeoutMs);
    if (deadlines) deadlineQueues.add(deadlines);
    const invoke: InvokeOptions = {
      breaker: name,
      deadlines,
      timeoutMs: next.timeoutMs,
      retry: next.retry,
      signal: undefined,
    };
    return {
      o: next,
      detectors,
      asyncDetectors,
      windowDetectors: detectors.filter(isWindowDetector) as WindowDetector[],
      policies,
      policySpecs,
      hotPath,
      asyncQueue,
      routes: [primary, ...fallbacks],
      invoke,
    };
  }
  let live = build(o, where);

  function windowSnapshots(now: number): FairnessSnapshot[] {
    const out: FairnessSnapshot[] = [];
    for (const w of live.windowDetectors)
      if (typeof (w as Partial<FairnessDetector>).snapshot === 'function')
        out.push((w as FairnessDetector).snapshot(now));
    return out;
  }

  /** Runs the probe suite through the primary and every detector; any failure reopens the breaker. */
  async function runProbeSuite(epoch: number, probes: readonly unknown[][]): Promise<void> {
    suiteRunning = epoch;
    const l = live;
    let failure: { index: number; reason: string } | undefined;
    for (const [index, args] of probes.entries()) {
      if (disposed || halfOpenEpoch !== epoch) return;
      const started = clock();
      try {
        const output = await invokeRoute(primary, args, l.invoke);
        const text = textFor(output, 'primary');
        const input: DetectorInput = {
          text,
          output,
          latencyMs: clock() - started,
          route: 'primary',
          breaker: name,
          context: PROBE_CONTEXT,
        };
        const signals = [...l.hotPath.run(input).signals];
        for (const d of l.asyncDetectors)
          signals.push(await d.detect(input, AbortSignal.timeout(l.o.asyncQueue.timeoutMs)));
        const bad = signals.filter((s) => s.flagged || s.blocked).map((s) => s.detector);
        if (bad.length > 0)
          failure = { index, reason: `probe ${index + 1} of ${probes.length} was flagged by ${bad.join(', ')}` };
      } catch (error) {
        failure = {
          index,
          reason: `probe ${index + 1} of ${probes.length} failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      if (failure) break;
    }
    if (disposed || halfOpenEpoch !== epoch) return;
    const at = clock();
    if (failure) {
      events.emit('probe-suite', {
        breaker: name,
        at,
        passed: false,
        probes: probes.length,
        failedProbe: failure.index,
        reason: failure.reason,
      });
      machine.probeDone(false, at, {
        policy: 'probe-suite',
        reason: failure.reason,
        details: { failedProbe: failure.index, probes: probes.length },
      });
    } else {
      suitePassed = epoch;
      events.emit('probe-suite', { breaker: name, at, passed: true, probes: probes.length });
    }
  }

  /** What detectors read: the app's `text(output)`, or the default extractor when that throws or returns no string. */
  function textFor(output: unknown, route: string): string {
    try {
      const text = textOf(output);
      return typeof text === 'string' ? text : defaultText(text);
    } catch (error) {
      logger.error(
        { breaker: name, route, ...describeError(error) },
        'text(output) threw; scanning the output with the default extractor',
      );
      return defaultText(output);
    }
  }

  /** Feeds one primary call into the breaker: probe verdict, trip policies, window detectors. */
  function recordPrimary(
    admission: Admission,
    observation: Observation,
    record: () => Parameters<WindowDetector['observe']>[0],
    signals: readonly Signal[],
  ): void {
    if (admission === 'probe') {
      const passed = !observation.bad;
      const reason = passed
        ? ''
        : observation.failed
          ? 'a half-open probe failed with an error'
          : `a half-open probe was flagged by ${signals
              .filter((s) => s.flagged || s.blocked)
              .map((s) => s.detector)
              .join(', ')}`;
      machine.probeDone(passed, observation.now, passed ? undefined : { policy: 'probe', reason, details: {} });
      return;
    }
    if (admission !== 'primary' || machine.state(observation.now) !== 'closed') return;
    // The current windows, even for a call that started before a reconfigure: counted once, never lost.
    const { policies, windowDetectors } = live;
    for (const policy of policies) {
      const decision = policy.observe(observation);
      if (decision && machine.trip(decision, observation.now)) return;
    }
    if (windowDetectors.length === 0) return;
    const call = record();
    for (const w of windowDetectors) {
      let signal: Signal | undefined;
      try {
        signal = w.observe(call);
      } catch (error) {
        // A throwing detector never breaks a call: counted and reported like a hot-path one.
        counts.detectorErrors++;
        metrics.detector(w.name, 'error');
        logger.error({ breaker: name, detector: w.name, ...describeError(error) }, 'window detector threw');
        events.emit('detector-error', { breaker: name, detector: w.name, route: call.route, error });
        continue;
      }
      if (
        signal?.flagged &&
        machine.trip(
          {
            policy: w.name,
            reason: signal.reason ?? `${w.name} flagged the window`,
            details: signal.scores ?? { score: signal.score },
          },
          observation.now,
        )
      )
        return;
    }
  }

  /** A route call failed: count it, feed the breaker (primary only), or rethrow when it is not the model's fault. */
  function judgeError(
    route: Route<unknown[], unknown>,
    error: unknown,
    latencyMs: number,
    now: number,
    context: CallContext,
    signal: AbortSignal | undefined,
    admission: Admission | undefined,
    span?: RouteSpan,
  ): RouteResult<unknown> {
    if ((signal?.aborted && error === signal.reason) || (admission && isCallerError(error))) {
      span?.failed(error, 'caller_error');
      // The caller aborted, or sent a bad request: not the model's fault.
      if (admission === 'probe') machine.probeAbandoned();
      throw error;
    }
    const outcome: CallOutcome = isTimeoutError(error) ? 'timeout' : isRouteUnavailable(error) ? 'rejected' : 'error';
    metrics.call(route.name, outcome, latencyMs / 1000);
    span?.failed(error, outcome);
    logger.warn({ breaker: name, route: route.name, outcome, latencyMs, ...describeError(error) }, 'route call failed');
    events.emit('outcome', {
      breaker: name,
      route: route.name,
      outcome,
      latencyMs,
      signals: [],
      probe: admission === 'probe',
      context,
    });
    if (admission) {
      counts.failed++;
      const input = { text: '', output: undefined, latencyMs, route: route.name, breaker: name, context };
      recordPrimary(
        admission,
        { bad: true, failed: true, slow: false, latencyMs, now },
        () => ({ ...input, signals: [], blocked: false, failed: true, now }),
        [],
      );
    }
    return { ok: false, error };
  }

  /** A route answered: scan the output, count it, feed the breaker (primary only). */
  function judgeOutput(
    l: Live,
    route: Route<unknown[], unknown>,
    output: unknown,
    latencyMs: number,
    now: number,
    context: CallContext,
    admission: Admission | undefined,
    shadow: boolean,
    span?: RouteSpan,
  ): RouteResult<unknown> {
    const text = textFor(output, route.name);
    const input: DetectorInput = { text, output, latencyMs, route: route.name, breaker: name, context };
    const verdict = l.hotPath.run(input);
    const blocked = verdict.blockedBy.length > 0;
    metrics.call(route.name, blocked ? 'blocked' : 'success', latencyMs / 1000);
    span?.scanned(output, text, verdict.signals, verdict.blockedBy);
    if (blocked) {
      counts.blocked++;
      for (const d of verdict.blockedBy) metrics.blocked(route.name, d);
      logger.warn({ breaker: name, route: route.name, detectors: verdict.blockedBy, shadow }, 'output blocked');
      if (events.has('block'))
        events.emit('block', {
          breaker: name,
          route: route.name,
          detectors: verdict.blockedBy,
          signals: verdict.signals,
          shadow,
          context,
        });
    }
    if (events.has('outcome'))
      events.emit('outcome', {
        breaker: name,
        route: route.name,
        outcome: blocked ? 'blocked' : 'success',
        latencyMs,
        signals: verdict.signals,
        probe: admission === 'probe',
        context,
      });

    if (admission) {
      const slow = verdict.signals.some((s) => s.detector === 'latency' && s.flagged);
      const record = (flagged: boolean, signals: readonly Signal[], now: number) => {
        recordPrimary(
          admission,
          { bad: flagged, failed: false, slow, latencyMs, now },
          () => ({ ...input, signals, blocked, failed: false, now }),
          signals,
        );
      };
      // Async detectors finish first when the call is an ordinary primary call; probes are judged on the hot path.
      const asyncQueue = l.asyncQueue;
      if (asyncQueue && admission === 'primary') {
        const queued = asyncQueue.enqueue({
          input,
          done: (signals) =>
            record(
              verdict.flagged || signals.some((s) => s.flagged || s.blocked),
              [...verdict.signals, ...signals],
              clock(),
            ),
        });
        if (!queued) {
          counts.asyncDropped++;
          metrics.asyncDropped();
          events.emit('async-dropped', { breaker: name, depth: asyncQueue.depth });
          record(verdict.flagged, verdict.signals, now);
        }
      } else {
        record(verdict.flagged, verdict.signals, now);
      }
    }
    if (blocked && !shadow) return { ok: false, blockedBy: verdict.blockedBy };
    return { ok: true, output };
  }

  // One async function per call: routes are awaited inline and judged synchronously, because
  // every extra async layer costs more than the rest of the guard's work on a healthy call.
  async function call(args: unknown[], perCall: CallOptions | undefined): Promise<unknown> {
    if (disposed) throw new DisposedError(name);
    counts.total++;
    if (mode === 'disabled') return primary.call(args);

    const outer = currentContext();
    const fromArgs = contextOf?.(...args);
    const context: CallContext =
      fromArgs || perCall?.context ? { ...outer, ...fromArgs, ...perCall?.context } : (outer ?? EMPTY_CONTEXT);
    const l = live; // this call keeps the settings it started with, even across a reconfigure
    const signal = perCall?.signal;
    const invoke: InvokeOptions = signal ? { ...l.invoke, signal } : l.invoke;
    const routes = l.routes;
    const shadow = mode === 'shadow';
    // Two clock reads per route call (before, after): on Node 20 each costs more than most of the guard.
    let now = clock();
    let admission = machine.admit(now);
    const probes = l.o.probes as unknown[][] | undefined;
    if (admission === 'probe' && probes && suitePassed !== halfOpenEpoch) {
      // No real call reaches the primary until the probe suite passed in this half-open episode.
      machine.probeAbandoned();
      if (suiteRunning !== halfOpenEpoch) void runProbeSuite(halfOpenEpoch, probes);
      admission = 'rejected';
    }
    const first = admission !== 'rejected' || shadow ? 0 : 1;
    if (first === 1) metrics.notPermitted();
    const episode = halfOpenEpoch;

    let lastError: unknown;
    let blockedBy: string[] | undefined;
    for (let i = first; i < routes.length; i++) {
      const route = routes[i]!;
      let routeAdmission = i === 0 ? admission : undefined;
      const started = now;
      let output: unknown;
      let failure: { error: unknown } | undefined;
      const span = tracing?.start(route.name, args, routeAdmission === 'probe');
      try {
        output = await (span
          ? span.run(() => invokeRoute(route, args, invoke, deadlineStart(started)))
          : invokeRoute(route, args, invoke, deadlineStart(started)));
      } catch (error) {
        failure = { error };
      }
      now = clock();
      const latencyMs = now - started;
      // A probe that outlived its half-open episode lost its slot when the breaker reopened: its verdict is not this episode's.
      if (routeAdmission === 'probe' && halfOpenEpoch !== episode) routeAdmission = 'rejected';
      let result: RouteResult<unknown>;
      try {
        result = failure
          ? judgeError(route, failure.error, latencyMs, now, context, signal, routeAdmission, span)
          : judgeOutput(l, route, output, latencyMs, now, context, routeAdmission, shadow && i === 0, span);
      } finally {
        span?.end();
      }
      if (result.ok) {
        if (i === 0) counts.servedByPrimary++;
        else {
          counts.servedByFallback++;
          metrics.fallback('served');
        }
        return result.output;
      }
      if (shadow && i === 0) throw result.error;
      lastError = result.error ?? lastError;
      blockedBy ??= result.blockedBy;
    }

    counts.exhausted++;
    const state = machine.state(clock());
    if (hasSafeReply) {
      counts.servedBySafeReply++;
      metrics.fallback('safe_reply');
      return typeof safeReply === 'function' ? safeReply({ breaker: name, state, context }) : safeReply;
    }
    metrics.fallback('exhausted');
    const cause = lastError === undefined ? {} : { cause: lastError };
    if (admission === 'rejected') throw new BreakerOpenError(name, state, machine.retryAfterMs(clock()), cause);
    if (blockedBy) throw new OutputBlockedError(name, blockedBy, cause);
    throw lastError;
  }

  const guarded = ((...args: unknown[]) => call(args, undefined)) as unknown as Guarded<F>;
  const handle: GuardHandle<F> = {
    get breakerName() {
      return name;
    },
    get state() {
      return machine.state(clock());
    },
    get mode() {
      return mode;
    },
    get disposed() {
      return disposed;
    },
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
    forceOpen(reason) {
      if (typeof reason !== 'string' || reason.trim() === '')
        throw new TypeError(`${where}.forceOpen(reason): a reason is required for the incident record`);
      logger.warn({ breaker: name, reason, action: 'force-open' }, `breaker ${name} forced open`);
      // The kill switch must move traffic whatever the mode: it switches a shadow or disabled breaker to enforce.
      if (mode !== 'enforce') {
        logger.warn(
          { breaker: name, from: mode, to: 'enforce', action: 'set-mode' },
          `breaker ${name} mode enforce (forced open)`,
        );
        mode = 'enforce';
      }
      machine.forceOpen(reason, clock());
    },
    reset(reason = 'manual reset') {
      logger.info({ breaker: name, reason, action: 'reset' }, `breaker ${name} reset`);
      for (const p of live.policies) p.reset();
      for (const w of live.windowDetectors) w.reset();
      machine.reset(reason, clock());
      if (mode === 'disabled') machine.disable('mode is disabled', clock());
    },
    setMode(next, reason = `mode set to ${next}`) {
      if (next !== 'enforce' && next !== 'shadow' && next !== 'disabled')
        throw new TypeError(`${where}.setMode(): mode must be "enforce", "shadow" or "disabled" (got ${String(next)})`);
      if (next === mode) return;
      logger.info({ breaker: name, from: mode, to: next, reason, action: 'set-mode' }, `breaker ${name} mode ${next}`);
      const was = mode;
      mode = next;
      if (next === 'disabled') machine.disable(reason, clock());
      else if (was === 'disabled') machine.reset(reason, clock());
    },
    stats() {
      const now = clock();
      const { trips, detectorErrors, budgetOverruns, asyncDropped, ...calls } = counts;
      return {
        name,
        state: machine.state(now),
        mode,
        retryAfterMs: machine.retryAfterMs(now),
        calls,
        trips,
        detectorErrors,
        budgetOverruns,
        asyncQueue: { depth: live.asyncQueue?.depth ?? 0, dropped: asyncDropped },
        policies: live.policies.map((p) => p.snapshot(now)),
        lastTransition,
        lastDetectionDelay,
        windows: windowSnapshots(now),
      };
    },
    reconfigure(changes) {
      if (disposed) throw new DisposedError(name);
      const at = `${where}.reconfigure()`;
      if (typeof changes !== 'object' || changes === null)
        throw new TypeError(`${at}: expected an object of options to change`);
      const fixed = Object.keys(changes).filter((k) => !RECONFIGURABLE.has(k));
      if (fixed.length > 0)
        throw new TypeError(
          `${at}: ${fixed.map((k) => `"${k}"`).join(', ')} cannot change at run time (can: ${[...RECONFIGURABLE].join(', ')})`,
        );
      const c = changes as Record<string, unknown>;
      const merged = {
        ...raw,
        ...c,
        ...(c.recovery !== undefined && {
          recovery: { ...(raw.recovery as object | undefined), ...(c.recovery as object) },
        }),
      };
      const next = parseOptions(guardOptionsSchema, merged, at);
      const built = build(next, at, live); // throws before anything changes
      raw = merged;
      live = built;
      machine.setRecovery(next.recovery);
      if ('mode' in c && next.mode !== mode) handle.setMode(next.mode, 'reconfigured');
      logger.info({ breaker: name, action: 'reconfigure', changed: Object.keys(c) }, `breaker ${name} reconfigured`);
    },
    with: (callOptions) => ((...args: unknown[]) => call(args, callOptions)) as never,
    dispose() {
      if (disposed) return;
      disposed = true;
      stopMetrics();
      for (const q of queues) q.dispose();
      for (const d of deadlineQueues) d.dispose();
      events.clear();
    },
  };
  return Object.defineProperties(guarded, Object.getOwnPropertyDescriptors(handle)) as Guarded<F>;
}

const EMPTY_CONTEXT: CallContext = Object.freeze({});
const PROBE_CONTEXT: CallContext = Object.freeze({ probe: true });
