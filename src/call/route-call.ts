/**
 * One guarded call: admission, then the routes in order (invoke, judge, record), then the safe
 * reply or an error. One async function per call: routes are awaited inline and judged
 * synchronously, because every extra async layer costs more than the rest of the guard's work.
 */
import type { Admission } from '../breaker/state-machine.js';
import { currentContext } from '../context.js';
import type { CallContext } from '../detectors/types.js';
import { BreakerOpenError, DisposedError, OutputBlockedError, isTimeoutError } from '../errors.js';
import type { SafeReplyInfo } from '../options.js';
import { invokeRoute, type InvokeOptions, type ScopeOut } from '../routing/invoke.js';
import { isRouteUnavailable } from '../routing/routes.js';
import { isCallerError, isRateLimited } from '../routing/transient.js';
import type { CallOutcome } from '../telemetry/metrics.js';
import type { GuardTracing, RouteSpan } from '../telemetry/tracing.js';
import type { Core } from './core.js';
import { judge, type TextOf } from './judge.js';
import type { AnyRoute, Live } from './live.js';
import type { ProbeSuite } from './probe-suite.js';
import type { Recorder } from './record.js';
import type { ServedBy } from './observe.js';
import type { Counts } from './sinks.js';
import { guardStream } from '../stream/guarded.js';
import type { ParsedStreamOptions } from '../stream/options.js';
import { isStreamOutput } from '../stream/source.js';

export interface CallOptions {
  /** Aborts this call on every route; the abort is not counted against the model. */
  signal?: AbortSignal;
  /** Context for this call's detectors and events. */
  context?: CallContext;
}

export interface RouteCallParts {
  readonly core: Core;
  /** `stats()` counters: calls, blocks, primary failures and who served are counted here, the rest by the stats sink. */
  readonly counts: Counts;
  readonly recorder: Recorder;
  readonly suite: ProbeSuite;
  readonly textOf: TextOf;
  readonly contextOf: ((...args: unknown[]) => CallContext) | undefined;
  readonly tracing: GuardTracing | undefined;
  /** Present when the options name a safe reply (even `null`). */
  readonly safeReply: { readonly reply: unknown } | undefined;
  /** With the default clock, a call's start time doubles as its deadline's start (one clock read fewer). */
  readonly deadlineStart: (now: number) => number | undefined;
  /** Resolves when start-up work (loading default detectors, restoring state) is done; undefined once it is. */
  readonly starting: () => Promise<void> | undefined;
}

type RouteResult = { ok: true; output: unknown } | { ok: false; blockedBy?: readonly string[]; error?: unknown };

const EMPTY_CONTEXT: CallContext = Object.freeze({});

export function createRouteCall(
  parts: RouteCallParts,
): (args: unknown[], perCall: CallOptions | undefined) => Promise<unknown> {
  const { core, counts, recorder, suite, textOf, contextOf, tracing, safeReply, deadlineStart } = parts;
  const { clock, machine, observe, name } = core;

  /** The call loop counts who served each call itself; a call the primary did not serve is also reported. */
  function served(by: Exclude<ServedBy, 'primary'>): void {
    if (by === 'fallback') counts.servedByFallback++;
    else {
      counts.exhausted++;
      if (by === 'safe-reply') counts.servedBySafeReply++;
    }
    observe.emit('served', by);
  }

  /** A route call failed: report it, feed the breaker (primary only), or rethrow when it is not the model's fault. */
  function failed(
    route: AnyRoute,
    error: unknown,
    latencyMs: number,
    now: number,
    context: CallContext,
    signal: AbortSignal | undefined,
    admission: Admission | undefined,
    span: RouteSpan | undefined,
  ): RouteResult {
    if ((signal?.aborted && error === signal.reason) || (admission && isCallerError(error))) {
      span?.failed(error, 'caller_error');
      // The caller aborted, or sent a bad request: not the model's fault.
      if (admission === 'probe') machine.probeAbandoned();
      throw error;
    }
    // A route that is unavailable (rate-limited, or its own breaker open) says nothing about the model's safety.
    const unavailable = isRateLimited(error) || isRouteUnavailable(error);
    const outcome: CallOutcome = isTimeoutError(error) ? 'timeout' : unavailable ? 'rejected' : 'error';
    span?.failed(error, outcome);
    observe.emit('failed', { route: route.name, outcome, latencyMs, error, probe: admission === 'probe', context });
    if (admission) {
      counts.failed++;
      if (!unavailable) recorder.failed(admission, latencyMs, now, context);
      else if (admission === 'probe') machine.probeAbandoned();
    }
    return { ok: false, error };
  }

  /** A route answered: judge the output, report it, feed the breaker (primary only). */
  function answered(
    live: Live,
    route: AnyRoute,
    output: unknown,
    latencyMs: number,
    now: number,
    context: CallContext,
    admission: Admission | undefined,
    shadow: boolean,
    span: RouteSpan | undefined,
  ): RouteResult {
    const j = judge(core, live, textOf, output, latencyMs, route.name, context, admission === 'probe', shadow);
    span?.scanned(output, j.input.text, j.signals, j.blockedBy as string[]);
    if (j.blockedBy.length > 0) counts.blocked++;
    observe.emit('answered', j);
    if (admission) recorder.answered(live, admission, j, now);
    if (j.blockedBy.length > 0 && !shadow) return { ok: false, blockedBy: j.blockedBy };
    return { ok: true, output };
  }

  return async function call(args, perCall) {
    if (core.disposed) throw new DisposedError(name);
    counts.total++;
    const starting = parts.starting();
    if (starting) await starting;
    if (core.mode === 'disabled') return core.live.routes[0]!.call(args);

    const outer = currentContext();
    const fromArgs = contextOf?.(...args);
    const context: CallContext =
      fromArgs || perCall?.context ? { ...outer, ...fromArgs, ...perCall?.context } : (outer ?? EMPTY_CONTEXT);
    const live = core.live; // this call keeps the settings it started with, even across a reconfigure
    const signal = perCall?.signal;
    const invoke: InvokeOptions = signal ? { ...live.invoke, signal } : live.invoke;
    const routes = live.routes;
    const shadow = core.mode === 'shadow';
    // Two clock reads per route call (before, after): on Node 20 each costs more than most of the guard.
    let now = clock();
    const admission = suite.gate(machine.admit(now));
    const first = admission !== 'rejected' || shadow ? 0 : 1;
    if (first === 1) observe.emit('rejected', undefined);
    const episode = suite.episode;

    let lastError: unknown;
    let blockedBy: readonly string[] | undefined;
    for (let i = first; i < routes.length; i++) {
      const route = routes[i]!;
      let routeAdmission = i === 0 ? admission : undefined;
      const started = now;
      let output: unknown;
      let failure: { error: unknown } | undefined;
      const span = tracing?.start(route.name, args, routeAdmission === 'probe');
      const scope: ScopeOut = {};
      try {
        output = await (span
          ? span.run(() => invokeRoute(route, args, invoke, deadlineStart(started), context, scope))
          : invokeRoute(route, args, invoke, deadlineStart(started), context, scope));
      } catch (error) {
        failure = { error };
      }
      now = clock();
      const latencyMs = now - started;
      // A probe that outlived its half-open episode lost its slot when the breaker reopened: its verdict is not this episode's.
      if (routeAdmission === 'probe' && suite.episode !== episode) routeAdmission = 'rejected';
      if (failure === undefined && isStreamOutput(output)) {
        // A streamed answer is judged chunk by chunk and counted when it ends (src/stream/); its span stays open till then.
        const call = { core, live, counts, recorder, args, context, invoke, route: i, started, scope, span, tracing };
        const streamOptions = live.o.stream as ParsedStreamOptions;
        return guardStream(
          output as object,
          { ...call, admission: routeAdmission, shadow: shadow && i === 0 },
          streamOptions,
        );
      }
      let result: RouteResult;
      try {
        result = failure
          ? failed(route, failure.error, latencyMs, now, context, signal, routeAdmission, span)
          : answered(live, route, output, latencyMs, now, context, routeAdmission, shadow && i === 0, span);
      } finally {
        span?.end();
      }
      if (result.ok) {
        if (i === 0) counts.servedByPrimary++;
        else served('fallback');
        return result.output;
      }
      if (shadow && i === 0) throw result.error;
      lastError = result.error ?? lastError;
      blockedBy ??= result.blockedBy;
    }

    const state = machine.state(clock());
    const cause = lastError === undefined ? {} : { cause: lastError };
    const error =
      admission === 'rejected'
        ? new BreakerOpenError(name, state, machine.retryAfterMs(clock()), cause)
        : blockedBy
          ? new OutputBlockedError(name, [...blockedBy], cause)
          : lastError;
    // No safe reply, or a safe reply function that throws (declines): the caller gets an error.
    let output: unknown;
    try {
      if (!safeReply) throw error;
      const reply = safeReply.reply;
      output =
        typeof reply === 'function'
          ? (reply as (info: SafeReplyInfo) => unknown)({ breaker: name, state, context, error })
          : reply;
    } catch (declined) {
      served('exhausted');
      throw declined;
    }
    served('safe-reply');
    return output;
  };
}
