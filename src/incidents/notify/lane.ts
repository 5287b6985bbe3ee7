/**
 * One notifier's lane: a bounded FIFO of notices and one worker that delivers them in order, with
 * p-retry, a per-attempt timeout and the notifier's own breaker. One notice at a time per
 * notifier keeps each incident's resolve behind its trigger; one lane per notifier keeps a dead
 * endpoint from delaying the others.
 */
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../../telemetry/logging.js';
import { describeError } from '../../telemetry/logging.js';
import type { IncidentNotice } from '../notice.js';
import { NotifierBreaker } from './breaker.js';
import type { NotifyMetrics } from './metrics.js';
import { Ring } from './ring.js';
import { NotifyDeliveryError, type Notifier } from './types.js';

/** The lane settings the queue's options give. */
export interface LaneSettings {
  readonly capacity: number;
  readonly retries: number;
  readonly timeoutMs: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly breakerThreshold: number;
  readonly coolDownMs: number;
  readonly now: () => number;
  readonly random: () => number;
}

interface Pending {
  readonly notice: IncidentNotice;
  readonly enqueuedAt: number;
  /** Attempts made so far, across cool-downs: at most `retries + 1`. */
  attempts: number;
}

type Outcome = 'sent' | 'failed' | 'shutdown';

export interface Lane {
  push(notice: IncidentNotice): void;
  /** Lets the worker finish once the lane is empty. */
  finish(): void;
  /** Resolves when the worker has stopped (empty after `finish()`, or `stop` aborted). */
  readonly done: Promise<void>;
}

export function startLane(
  notifier: Notifier,
  s: LaneSettings,
  stop: AbortSignal,
  metrics: NotifyMetrics,
  logger: Logger,
): Lane {
  const name = notifier.name;
  const waiting = new Ring<Pending>(s.capacity);
  const breaker = new NotifierBreaker(s.breakerThreshold, s.coolDownMs, s.now);
  let current: Pending | undefined;
  let finishing = false;
  let wake: (() => void) | undefined;
  const depth = () => metrics.depth(name, waiting.length + (current ? 1 : 0));
  const fields = (p: Pending) => ({ notifier: name, incident: p.notice.incident.id, event: p.notice.event });

  const breakerMoved = () => {
    const state = breaker.state;
    metrics.breaker(name, state);
    if (state === 'closed') logger.info({ notifier: name }, 'notifier breaker closed');
    else
      logger.warn({ notifier: name, coolDownMs: s.coolDownMs }, 'notifier breaker opened: not tried until cool-down');
  };

  async function attempt(p: Pending): Promise<void> {
    p.attempts++;
    // Not AbortSignal.timeout(): Node 20's AbortSignal.any() holds it weakly, and once collected it never fires.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException('attempt timed out', 'TimeoutError')), s.timeoutMs);
    timer.unref();
    const signal = AbortSignal.any([stop, timeout.signal]);
    try {
      // Raced with the signal: a custom notifier that ignores it still ends at the timeout.
      await untilAborted(notifier.send(p.notice, signal), signal);
    } catch (thrown) {
      if (stop.aborted) throw new AbortError('notify queue closed');
      const error = asDeliveryError(thrown, signal);
      metrics.failure(name, error.reason);
      if (breaker.failure()) breakerMoved();
      logger.warn(
        { ...fields(p), attempt: p.attempts, reason: error.reason, status: error.status, ...describeError(error) },
        'notifier attempt failed',
      );
      throw error.retryable ? error : new AbortError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async function deliver(p: Pending): Promise<Outcome> {
    let waitTooLong = false;
    for (;;) {
      const coolDown = breaker.msUntilRetry();
      if (coolDown > 0 && !(await sleep(coolDown, stop))) return 'shutdown';
      try {
        await pRetry(() => attempt(p), {
          retries: s.retries - p.attempts, // attempts left, across cool-downs, minus this one
          minTimeout: 0, // the waits are ours (below): Retry-After, or backoff with jitter
          signal: stop,
          unref: true,
          shouldRetry: () => breaker.state === 'closed',
          onFailedAttempt: async ({ error, retriesLeft }) => {
            if (retriesLeft <= 0 || breaker.state !== 'closed') return;
            const asked = error instanceof NotifyDeliveryError ? error.retryAfterMs : undefined;
            if (asked !== undefined && asked > s.maxDelayMs) {
              // Never retry sooner than asked; an ask beyond the longest wait ends the delivery.
              waitTooLong = true;
              throw error;
            }
            await sleep(asked ?? backoff(p.attempts, s), stop);
          },
        });
        if (breaker.success()) breakerMoved();
        metrics.sent(name, p.notice.event, (s.now() - p.enqueuedAt) / 1000);
        logger.info({ ...fields(p), attempts: p.attempts }, 'incident notice delivered');
        return 'sent';
      } catch (error) {
        if (stop.aborted) return 'shutdown';
        const retryable = !(error instanceof NotifyDeliveryError) || error.retryable;
        // The breaker opened mid-delivery: wait out its cool-down, then go on with the attempts left.
        if (retryable && !waitTooLong && p.attempts <= s.retries && breaker.state !== 'closed') continue;
        metrics.dropped(name, 'failed');
        logger.error({ ...fields(p), attempts: p.attempts, ...describeError(error) }, 'incident notice not delivered');
        return 'failed';
      }
    }
  }

  async function run(): Promise<void> {
    for (;;) {
      if (stop.aborted) break;
      current = waiting.shift();
      if (!current) {
        if (finishing) return;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      depth();
      const outcome = await deliver(current).catch((error: unknown) => {
        // Not expected (deliver() handles its own errors), but the lane must go on to the next notice.
        metrics.dropped(name, 'failed');
        logger.error(
          { ...fields(current!), ...describeError(error) },
          'incident notice not delivered: notify lane error',
        );
        return 'failed' as const;
      });
      if (outcome === 'shutdown') dropAtShutdown(current);
      current = undefined;
      depth();
    }
    // Stopped at the close() deadline: what is left will never go out.
    for (let p = waiting.shift(); p; p = waiting.shift()) dropAtShutdown(p);
    depth();
  }

  function dropAtShutdown(p: Pending): void {
    metrics.dropped(name, 'shutdown');
    logger.warn(fields(p), 'incident notice dropped: notify queue closed');
  }

  /** Wakes an idle worker once (calling a settled promise's resolver again costs ~1 µs, on every notice). */
  function wakeWorker(): void {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  }

  stop.addEventListener('abort', wakeWorker, { once: true });
  const done = run();
  return {
    push(notice) {
      const oldest = waiting.push({ notice, enqueuedAt: s.now(), attempts: 0 });
      if (oldest) {
        metrics.dropped(name, 'overflow');
        const { incident, event } = oldest.notice;
        // A literal, not a spread of fields(): this runs on every notice a full lane takes.
        const record = { notifier: name, incident: incident.id, event, capacity: s.capacity };
        logger.warn(record, 'incident notice dropped: notify queue full');
      }
      depth();
      wakeWorker();
    },
    finish() {
      finishing = true;
      wakeWorker();
    },
    done,
  };
}

/** Exponential backoff with equal jitter: half the step fixed, half random, so retries spread out. */
function backoff(attempt: number, s: LaneSettings): number {
  const step = Math.min(s.maxDelayMs, s.minDelayMs * 2 ** (attempt - 1));
  return step / 2 + s.random() * (step / 2);
}

/** Resolves true after `ms`, false at once when `signal` aborts. Does not keep the process alive. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (finished: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(finished);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `work`, or a rejection with the signal's reason once it aborts, whichever comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Errors from custom notifiers: a timeout is a timeout; anything else is retried as `error`. */
function asDeliveryError(thrown: unknown, signal: AbortSignal): NotifyDeliveryError {
  if (thrown instanceof NotifyDeliveryError) return thrown;
  if (signal.aborted) return new NotifyDeliveryError('timed out', 'timeout', { cause: thrown });
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new NotifyDeliveryError(message, 'error', { cause: thrown });
}
