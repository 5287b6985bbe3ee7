import { createPolicy, isTripPolicy, type PolicySnapshot, type TripDecision, type TripPolicy } from './breaker/policies/index.js';
import type { Observation } from './breaker/policies/types.js';
import { BreakerStateMachine, type Admission, type BreakerState, type Transition } from './breaker/state-machine.js';
import { currentContext } from './context.js';
import { AsyncDetectorQueue } from './detectors/async-queue.js';
import { HotPathRunner } from './detectors/hot-path.js';
import { defaultDetectors } from './detectors/defaults.js';
import { isAsyncDetector, isHotPathDetector, isWindowDetector, type CallContext, type DetectorInput, type Signal, type WindowDetector } from './detectors/types.js';
import { BreakerOpenError, DisposedError, OutputBlockedError, isTimeoutError } from './errors.js';
import { TypedEmitter } from './events.js';
import { guardOptionsSchema, type ArgsOf, type GuardOptions, type Mode, type ModelFunction, type SafeReplyInfo } from './options.js';
import { invokeRoute, type InvokeOptions } from './routing/invoke.js';
import { isRouteUnavailable, toRoute, type Route } from './routing/routes.js';
import { isCallerError } from './routing/transient.js';
import { describeError, silentLogger } from './telemetry/logging.js';
import { createBreakerMetrics, type CallOutcome } from './telemetry/metrics.js';
import { defaultText } from './text/extract.js';
import { parseOptions } from './validation.js';

/** Events a guarded function emits. Payloads never carry prompts or outputs, only the call's context. */
export interface GuardEvents {
  /** Every route call: its outcome, latency and the detectors' signals. */
  outcome: { breaker: string; route: string; outcome: CallOutcome; latencyMs: number; signals: readonly Signal[]; probe: boolean; context: CallContext };
  /** An output was blocked: it did not reach the caller (unless in shadow mode). */
  block: { breaker: string; route: string; detectors: readonly string[]; signals: readonly Signal[]; shadow: boolean; context: CallContext };
  /** Any state change. */
  transition: Transition & { breaker: string };
  /** A trip policy (or a failed probe) opened the breaker. */
  trip: { breaker: string; from: BreakerState; decision: TripDecision; openForMs: number; at: number };
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
  readonly calls: { total: number; servedByPrimary: number; servedByFallback: number; servedBySafeReply: number; failed: number; blocked: number; exhausted: number };
  readonly trips: number;
  readonly detectorErrors: number;
  readonly budgetOverruns: number;
  readonly asyncQueue: { depth: number; dropped: number };
  readonly policies: readonly PolicySnapshot[];
  readonly lastTransition: Transition | undefined;
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
  /** The guarded function with a per-call abort signal and context. */
  with(options: CallOptions): (...args: ArgsOf<F>) => ReturnType<F>;
  /** Releases every listener and abandons queued async detectors; later calls throw `DisposedError`. */
  dispose(): void;
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
  if (typeof fn !== 'function') throw new TypeError(`guard(): the first argument must be the function to guard (got ${typeof fn})`);
  const where = `guard(${JSON.stringify((options as { name?: unknown } | undefined)?.name ?? '')})`;
  const o = parseOptions(guardOptionsSchema, options, where);
  const name = o.name;
  const clock = (o.clock as (() => number) | undefined) ?? Date.now;
  const logger = o.logger ?? silentLogger;
  const metrics = createBreakerMetrics(o.registry, name);
  const textOf = (o.text as ((output: unknown) => string) | undefined) ?? defaultText;
  const contextOf = o.context as ((...args: unknown[]) => CallContext) | undefined;
  const safeReply = o.safeReply as SafeReplyInfo | ((info: SafeReplyInfo) => unknown) | undefined;
  const hasSafeReply = 'safeReply' in options && options.safeReply !== undefined;

  const detectors = o.detectors ?? defaultDetectors();
  const names = new Set<string>();
  for (const d of detectors) {
    if (names.has(d.name)) throw new TypeError(`${where}: option "detectors": two detectors are named "${d.name}"; names must be unique (they are metric labels)`);
    names.add(d.name);
  }
  const windowDetectors = detectors.filter(isWindowDetector) as WindowDetector[];
  const policies: TripPolicy[] = (Array.isArray(o.trip) ? o.trip : [o.trip]).map((p) => (isTripPolicy(p) ? p : createPolicy(p)));

  const primary: Route<unknown[], unknown> = { name: 'primary', call: (args) => (fn as unknown as (...a: unknown[]) => unknown)(...args) };
  const fallbacks = (o.fallbacks as Parameters<typeof toRoute<unknown[], unknown>>[0][]).map(toRoute);
  const routeNames = new Set(['primary']);
  for (const route of fallbacks) {
    if (routeNames.has(route.name)) throw new TypeError(`${where}: option "fallbacks": two routes are named "${route.name}"; give each fallback a unique name`);
    routeNames.add(route.name);
  }

  let mode: Mode = o.mode;
  let disposed = false;
  const counts = { total: 0, servedByPrimary: 0, servedByFallback: 0, servedBySafeReply: 0, failed: 0, blocked: 0, exhausted: 0, trips: 0, detectorErrors: 0, budgetOverruns: 0, asyncDropped: 0 };
  let lastTransition: Transition | undefined;

  const events = new TypedEmitter<GuardEvents>((error, event) => logger.warn({ breaker: name, event, ...describeError(error) }, 'event listener threw'));

  const machine = new BreakerStateMachine(o.recovery, (t) => {
    lastTransition = t;
    metrics.state(t.to);
    metrics.transition(t.from, t.to);
    const record = { breaker: name, from: t.from, to: t.to, reason: t.reason, ...(t.decision && { policy: t.decision.policy, details: t.decision.details }), ...(t.openForMs !== undefined && { openForMs: t.openForMs }) };
    if (t.to === 'open') logger.warn(record, `breaker ${name} opened: ${t.reason}`);
    else logger.info(record, `breaker ${name} ${t.to}`);
    events.emit('transition', { ...t, breaker: name });
    if (t.to === 'open') {
      counts.trips++;
      for (const p of policies) p.reset();
      for (const w of windowDetectors) w.reset();
      events.emit('trip', { breaker: name, from: t.from, decision: t.decision!, openForMs: t.openForMs!, at: t.at });
    } else if (t.to === 'half-open') events.emit('half-open', { breaker: name, at: t.at, reason: t.reason });
    else if (t.to === 'closed') events.emit('close', { breaker: name, at: t.at, reason: t.reason, from: t.from });
    else if (t.to === 'forced-open') events.emit('forced-open', { breaker: name, at: t.at, reason: t.reason });
  });
  if (mode === 'disabled') machine.disable('created disabled', clock());

  const hotPath = new HotPathRunner(detectors.filter(isHotPathDetector), o.budgetMs, o.onDetectorError, metrics, {
    onDetectorError(detector, error, input) {
      counts.detectorErrors++;
      logger.error({ breaker: name, detector, route: input.route, ...describeError(error) }, 'detector threw');
      events.emit('detector-error', { breaker: name, detector, route: input.route, error });
    },
    onBudgetExceeded(detector, elapsedMs, budgetMs, input) {
      counts.budgetOverruns++;
      events.emit('budget-exceeded', { breaker: name, detector, route: input.route, elapsedMs, budgetMs });
    },
  });

  const asyncDetectors = detectors.filter(isAsyncDetector);
  const asyncQueue =
    asyncDetectors.length === 0
      ? undefined
      : new AsyncDetectorQueue(asyncDetectors, o.asyncQueue, {
          onSignals(signals) {
            for (const s of signals) metrics.detector(s.detector, s.blocked ? 'block' : s.flagged ? 'flag' : 'pass', 0);
          },
          onDetectorError(detector, error) {
            counts.detectorErrors++;
            metrics.detector(detector, 'error', 0);
            logger.error({ breaker: name, detector, ...describeError(error) }, 'async detector failed');
            events.emit('detector-error', { breaker: name, detector, route: 'primary', error });
          },
          onDepth: (depth) => metrics.asyncQueueDepth(depth),
        });

  /** Feeds one primary call into the breaker: probe verdict, trip policies, window detectors. */
  function recordPrimary(admission: Admission, observation: Observation, record: () => Parameters<WindowDetector['observe']>[0], signals: readonly Signal[]): void {
    if (admission === 'probe') {
      const passed = !observation.bad;
      const reason = passed ? '' : observation.failed ? 'a half-open probe failed with an error' : `a half-open probe was flagged by ${signals.filter((s) => s.flagged || s.blocked).map((s) => s.detector).join(', ')}`;
      machine.probeDone(passed, observation.now, passed ? undefined : { policy: 'probe', reason, details: {} });
      return;
    }
    if (admission !== 'primary' || machine.state(observation.now) !== 'closed') return;
    for (const policy of policies) {
      const decision = policy.observe(observation);
      if (decision && machine.trip(decision, observation.now)) return;
    }
    if (windowDetectors.length === 0) return;
    const call = record();
    for (const w of windowDetectors) {
      const signal = w.observe(call);
      if (signal?.flagged && machine.trip({ policy: w.name, reason: signal.reason ?? `${w.name} flagged the window`, details: signal.scores ?? { score: signal.score } }, observation.now)) return;
    }
  }

  async function tryRoute(route: Route<unknown[], unknown>, args: unknown[], context: CallContext, invoke: InvokeOptions, admission: Admission | undefined, shadow: boolean): Promise<RouteResult<unknown>> {
    const started = performance.now();
    let output: unknown;
    try {
      output = await invokeRoute(route, args, invoke);
    } catch (error) {
      const latencyMs = performance.now() - started;
      if ((invoke.signal?.aborted && error === invoke.signal.reason) || (admission && isCallerError(error))) {
        // The caller aborted, or sent a bad request: not the model's fault.
        if (admission === 'probe') machine.probeAbandoned();
        throw error;
      }
      const outcome: CallOutcome = isTimeoutError(error) ? 'timeout' : isRouteUnavailable(error) ? 'rejected' : 'error';
      metrics.call(route.name, outcome, latencyMs / 1000);
      logger.warn({ breaker: name, route: route.name, outcome, latencyMs, ...describeError(error) }, 'route call failed');
      events.emit('outcome', { breaker: name, route: route.name, outcome, latencyMs, signals: [], probe: admission === 'probe', context });
      if (admission) {
        counts.failed++;
        const now = clock();
        const input = { text: '', output: undefined, latencyMs, route: route.name, breaker: name, context };
        recordPrimary(admission, { bad: true, failed: true, slow: false, latencyMs, now }, () => ({ ...input, signals: [], blocked: false, failed: true, now }), []);
      }
      return { ok: false, error };
    }
    const latencyMs = performance.now() - started;

    let text: string;
    try {
      text = textOf(output);
      if (typeof text !== 'string') text = defaultText(text);
    } catch (error) {
      logger.error({ breaker: name, route: route.name, ...describeError(error) }, 'text(output) threw; scanning the output with the default extractor');
      text = defaultText(output);
    }
    const input: DetectorInput = { text, output, latencyMs, route: route.name, breaker: name, context };
    const verdict = hotPath.run(input);
    const blocked = verdict.blockedBy.length > 0;
    metrics.call(route.name, blocked ? 'blocked' : 'success', latencyMs / 1000);
    if (blocked) {
      counts.blocked++;
      for (const d of verdict.blockedBy) metrics.blocked(route.name, d);
      logger.warn({ breaker: name, route: route.name, detectors: verdict.blockedBy, shadow }, 'output blocked');
      if (events.has('block')) events.emit('block', { breaker: name, route: route.name, detectors: verdict.blockedBy, signals: verdict.signals, shadow, context });
    }
    if (events.has('outcome')) events.emit('outcome', { breaker: name, route: route.name, outcome: blocked ? 'blocked' : 'success', latencyMs, signals: verdict.signals, probe: admission === 'probe', context });

    if (admission) {
      const slow = verdict.signals.some((s) => s.detector === 'latency' && s.flagged);
      const record = (flagged: boolean, signals: readonly Signal[]) => {
        const now = clock();
        recordPrimary(admission, { bad: flagged, failed: false, slow, latencyMs, now }, () => ({ ...input, signals, blocked, failed: false, now }), signals);
      };
      // Async detectors finish first when the call is an ordinary primary call; probes are judged on the hot path.
      if (asyncQueue && admission === 'primary') {
        const queued = asyncQueue.enqueue({ input, done: (signals) => record(verdict.flagged || signals.some((s) => s.flagged || s.blocked), [...verdict.signals, ...signals]) });
        if (!queued) {
          counts.asyncDropped++;
          metrics.asyncDropped();
          events.emit('async-dropped', { breaker: name, depth: asyncQueue.depth });
          record(verdict.flagged, verdict.signals);
        }
      } else {
        record(verdict.flagged, verdict.signals);
      }
    }
    if (blocked && !shadow) return { ok: false, blockedBy: verdict.blockedBy };
    return { ok: true, output };
  }

  async function call(args: unknown[], perCall: CallOptions | undefined): Promise<unknown> {
    if (disposed) throw new DisposedError(name);
    counts.total++;
    if (mode === 'disabled') return primary.call(args);

    const outer = currentContext();
    const fromArgs = contextOf?.(...args);
    const context: CallContext = fromArgs || perCall?.context ? { ...outer, ...fromArgs, ...perCall?.context } : (outer ?? EMPTY_CONTEXT);
    const invoke: InvokeOptions = { breaker: name, timeoutMs: o.timeoutMs, retry: o.retry, signal: perCall?.signal };
    const shadow = mode === 'shadow';
    const admission = machine.admit(clock());

    let lastError: unknown;
    let blockedBy: string[] | undefined;
    if (admission !== 'rejected' || shadow) {
      const result = await tryRoute(primary, args, context, invoke, admission, shadow);
      if (result.ok) {
        counts.servedByPrimary++;
        return result.output;
      }
      if (shadow) throw result.error;
      lastError = result.error;
      blockedBy = result.blockedBy;
    } else {
      metrics.call('primary', 'rejected', 0);
    }

    for (const route of fallbacks) {
      const result = await tryRoute(route, args, context, invoke, undefined, false);
      if (result.ok) {
        counts.servedByFallback++;
        return result.output;
      }
      lastError = result.error ?? lastError;
      blockedBy ??= result.blockedBy;
    }

    counts.exhausted++;
    const state = machine.state(clock());
    if (hasSafeReply) {
      counts.servedBySafeReply++;
      return typeof safeReply === 'function' ? safeReply({ breaker: name, state, context }) : safeReply;
    }
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
      if (typeof reason !== 'string' || reason.trim() === '') throw new TypeError(`${where}.forceOpen(reason): a reason is required for the incident record`);
      logger.warn({ breaker: name, reason, action: 'force-open' }, `breaker ${name} forced open`);
      machine.forceOpen(reason, clock());
    },
    reset(reason = 'manual reset') {
      logger.info({ breaker: name, reason, action: 'reset' }, `breaker ${name} reset`);
      for (const p of policies) p.reset();
      for (const w of windowDetectors) w.reset();
      machine.reset(reason, clock());
      if (mode === 'disabled') machine.disable('mode is disabled', clock());
    },
    setMode(next, reason = `mode set to ${next}`) {
      if (next !== 'enforce' && next !== 'shadow' && next !== 'disabled') throw new TypeError(`${where}.setMode(): mode must be "enforce", "shadow" or "disabled" (got ${String(next)})`);
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
        asyncQueue: { depth: asyncQueue?.depth ?? 0, dropped: asyncDropped },
        policies: policies.map((p) => p.snapshot(now)),
        lastTransition,
      };
    },
    with: (callOptions) => ((...args: unknown[]) => call(args, callOptions)) as never,
    dispose() {
      if (disposed) return;
      disposed = true;
      asyncQueue?.dispose();
      events.clear();
    },
  };
  return Object.defineProperties(guarded, Object.getOwnPropertyDescriptors(handle)) as Guarded<F>;
}

const EMPTY_CONTEXT: CallContext = Object.freeze({});
