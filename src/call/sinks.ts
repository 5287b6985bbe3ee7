/** The subscribers every guard has: stats counters, metrics, logs, events and traces. */
import type { TypedEmitter } from '../events.js';
import { describeError, type Logger } from '../telemetry/logging.js';
import type { BreakerMetrics } from '../telemetry/metrics.js';
import type { GuardTracing } from '../telemetry/tracing.js';
import { Observe, type GuardEvents, type Subscriber } from './observe.js';

/** Calls of the guarded function, as `stats().calls` shows them. */
export interface CallCounts {
  total: number;
  servedByPrimary: number;
  servedByFallback: number;
  servedBySafeReply: number;
  /** Primary (and probe) calls that failed. */
  failed: number;
  /** Outputs blocked, on any route. */
  blocked: number;
  /** Calls every route failed or refused (served by the safe reply, or ended in an error). */
  exhausted: number;
}

/** What `stats()` counts. */
export interface Counts extends CallCounts {
  trips: number;
  detectorErrors: number;
  budgetOverruns: number;
  asyncDropped: number;
}

export const newCounts = (): Counts => ({
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
});

/** What the call path reports, counted for `stats()` (the call loop itself counts calls, blocks, failures and who served). */
export function statsSink(counts: Counts): Subscriber {
  return {
    'detector-error': () => counts.detectorErrors++,
    'budget-exceeded': () => counts.budgetOverruns++,
    'async-dropped': () => counts.asyncDropped++,
    transition: ({ transition }) => {
      if (transition.to === 'open') counts.trips++;
    },
  };
}

export function metricsSink(metrics: BreakerMetrics): Subscriber {
  return {
    answered: ({ input, blockedBy }) => {
      metrics.call(input.route, blockedBy.length > 0 ? 'blocked' : 'success', input.latencyMs / 1000);
      for (const d of blockedBy) metrics.blocked(input.route, d);
    },
    failed: (f) => metrics.call(f.route, f.outcome, f.latencyMs / 1000),
    served: (by) => {
      metrics.fallback(by === 'fallback' ? 'served' : by === 'safe-reply' ? 'safe_reply' : 'exhausted');
    },
    rejected: () => metrics.notPermitted(),
    // Hot-path detector errors are counted by the runner with the detector's timing.
    'detector-error': (e) => {
      if (e.stage !== 'hot-path') metrics.detector(e.detector, 'error');
    },
    // Labelled by the configured name, never by what the signal says it is: labels come from configuration only.
    'async-signals': ({ signals, detectors }) => {
      for (let i = 0; i < signals.length; i++) {
        const s = signals[i]!;
        metrics.detector(detectors[i]!, s.blocked ? 'block' : s.flagged ? 'flag' : 'pass');
      }
    },
    'async-dropped': () => metrics.asyncDropped(),
    'async-depth': (depth) => metrics.asyncQueueDepth(depth),
    restored: (state) => metrics.state(state),
    mode: (mode) => metrics.mode(mode),
    transition: ({ transition: t, detectionDelay }) => {
      metrics.state(t.to);
      metrics.transition(t.from, t.to);
      if (detectionDelay) metrics.detectionDelay(detectionDelay.policy, detectionDelay.calls, detectionDelay.seconds);
    },
  };
}

/** Logs without content: prompts and outputs never appear, only names, numbers and reasons. */
export function logSink(logger: Logger, breaker: string): Subscriber {
  let warnedUnread = false;
  return {
    answered: (a) => {
      if (a.blockedBy.length > 0) {
        logger.warn({ breaker, route: a.input.route, detectors: a.blockedBy, shadow: a.shadow }, 'output blocked');
      }
    },
    failed: (f) =>
      logger.warn(
        { breaker, route: f.route, outcome: f.outcome, latencyMs: f.latencyMs, ...describeError(f.error) },
        'route call failed',
      ),
    'detector-error': (e) =>
      logger.error(
        { breaker, detector: e.detector, route: e.route, ...describeError(e.error) },
        e.stage === 'text'
          ? 'reading the output threw'
          : e.stage === 'async'
            ? 'async detector failed'
            : e.stage === 'window'
              ? 'window detector threw'
              : 'detector threw',
      ),
    // Once per guard: every call of an output this large would repeat it; each call's `text` signal carries the count.
    'text-unread': (u) => {
      if (warnedUnread) return;
      warnedUnread = true;
      logger.warn(
        { breaker, route: u.route, unread: u.unread, limit: u.limit },
        `breaker ${breaker}: the default text extractor left ${u.unread} strings or objects of an output unread (it reads at most ${u.limit} values); pass a text(output) option that returns what detectors must read. Logged once per guard.`,
      );
    },
    transition: ({ transition: t, shadow }) => {
      const record = {
        breaker,
        from: t.from,
        to: t.to,
        reason: t.reason,
        ...(t.decision && { policy: t.decision.policy, details: t.decision.details }),
        ...(t.openForMs !== undefined && { openForMs: t.openForMs }),
      };
      if (shadow)
        logger.info(
          { ...record, shadow },
          `breaker ${breaker} would be ${t.to} (shadow mode: traffic unchanged): ${t.reason}`,
        );
      else if (t.to === 'open') logger.warn(record, `breaker ${breaker} opened: ${t.reason}`);
      else logger.info(record, `breaker ${breaker} ${t.to}`);
    },
    action: (a) => logger[a.level]({ breaker, action: a.action, ...a.fields }, a.message),
  };
}

export function eventSink(events: TypedEmitter<GuardEvents>, breaker: string): Subscriber {
  return {
    answered: ({ input, signals, blockedBy, probe, shadow }) => {
      const blocked = blockedBy.length > 0;
      if (blocked && events.has('block')) {
        events.emit('block', {
          breaker,
          route: input.route,
          detectors: blockedBy,
          signals,
          shadow,
          context: input.context,
        });
      }
      if (events.has('outcome')) {
        events.emit('outcome', {
          breaker,
          route: input.route,
          outcome: blocked ? 'blocked' : 'success',
          latencyMs: input.latencyMs,
          signals,
          probe,
          context: input.context,
        });
      }
    },
    failed: (f) =>
      events.emit('outcome', {
        breaker,
        route: f.route,
        outcome: f.outcome,
        latencyMs: f.latencyMs,
        signals: [],
        probe: f.probe,
        context: f.context,
      }),
    'detector-error': (e) =>
      events.emit('detector-error', { breaker, detector: e.detector, route: e.route, error: e.error }),
    'budget-exceeded': (b) => events.emit('budget-exceeded', { breaker, ...b }),
    'async-dropped': (depth) => events.emit('async-dropped', { breaker, depth }),
    'probe-suite': (p) => events.emit('probe-suite', p),
    transition: ({ transition: t, detectionDelay, shadow }) => {
      events.emit('transition', { ...t, breaker });
      if (t.to === 'open') {
        events.emit('trip', {
          breaker,
          from: t.from,
          decision: t.decision!,
          openForMs: t.openForMs!,
          at: t.at,
          ...(detectionDelay && { detectionDelay }),
          shadow,
        });
      } else if (t.to === 'half-open') events.emit('half-open', { breaker, at: t.at, reason: t.reason });
      else if (t.to === 'closed') events.emit('close', { breaker, at: t.at, reason: t.reason, from: t.from });
      else if (t.to === 'forced-open') events.emit('forced-open', { breaker, at: t.at, reason: t.reason });
    },
  };
}

export function tracingSink(tracing: GuardTracing): Subscriber {
  return {
    transition: ({ transition: t }) => {
      if (t.to !== 'open') return;
      tracing.trip({
        from: t.from,
        policy: t.decision?.policy ?? 'unknown',
        reason: t.reason,
        openForMs: t.openForMs ?? 0,
        details: t.decision?.details ?? {},
      });
    },
  };
}

/** The sinks of one guard, behind one `Observe`. */
export function observeWith(
  name: string,
  logger: Logger | undefined,
  metrics: BreakerMetrics | undefined,
  events: TypedEmitter<GuardEvents>,
  tracing: GuardTracing | undefined,
  counts: Counts,
): Observe {
  // Sinks that would do nothing (no registry, no logger) are left out: every call reports to each sink.
  const sinks = [statsSink(counts), eventSink(events, name)];
  if (metrics) sinks.push(metricsSink(metrics));
  if (logger) sinks.push(logSink(logger, name));
  if (tracing) sinks.push(tracingSink(tracing));
  return new Observe(sinks, (error, kind) =>
    logger?.error({ breaker: name, happening: kind, ...describeError(error) }, 'a metrics, log or event sink threw'),
  );
}
