import pRetry from 'p-retry';
import { RouteScope, callInScope } from '../context.js';
import { TimeoutError } from '../errors.js';
import type { DeadlineQueue } from './deadlines.js';
import type { Route } from './routes.js';
import { isTransientError, retryAfterMsOf } from './transient.js';

export interface RetryOptions {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

export interface InvokeOptions {
  readonly breaker: string;
  /** Times each attempt; undefined = no timeout. */
  readonly deadlines: DeadlineQueue | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryOptions | false;
  readonly signal: AbortSignal | undefined;
}

/**
 * Calls one route: a timeout per attempt, the caller's abort signal, and retries of transient
 * provider errors. The first attempt runs without p-retry and without an extra async layer, so a
 * healthy call pays almost nothing for either.
 */
export function invokeRoute<Args extends unknown[], Output>(
  route: Route<Args, Output>,
  args: Args,
  options: InvokeOptions,
  startedAt?: number,
): Promise<Output> {
  const first = attempt(route, args, options, startedAt);
  const { retry } = options;
  if (!retry || retry.retries === 0) return first;
  return first.catch((error: unknown) => {
    if (options.signal?.aborted || !isTransientError(error)) throw error;
    // p-retry's own first attempt runs at once; replaying the first failure to it instead makes
    // it wait its first back-off before calling again. p-retry only accepts Error instances, so
    // anything else thrown (a Response, a plain object with a status) travels wrapped.
    let replay = true;
    return pRetry(
      () => {
        if (!replay) return attempt(route, args, options).catch(wrap);
        replay = false;
        return wrap(error);
      },
      {
        retries: retry.retries,
        minTimeout: retry.minTimeoutMs,
        maxTimeout: retry.maxTimeoutMs,
        shouldRetry: ({ error: next }) => isTransientError(unwrap(next)),
        onFailedAttempt: ({ error: failed, retriesLeft }) => honourRetryAfter(unwrap(failed), retriesLeft, options),
        ...(options.signal && { signal: options.signal }),
      },
    ).catch((final: unknown) => {
      throw unwrap(final);
    });
  });
}

/**
 * Waits what a rate-limited provider asked for (`Retry-After`) before p-retry's own backoff. A
 * wait longer than the attempt timeout is not worth it: the route is given up at once (rethrown),
 * so the call moves on to a fallback instead of sleeping.
 */
async function honourRetryAfter(error: unknown, retriesLeft: number, options: InvokeOptions): Promise<void> {
  if (retriesLeft === 0) return;
  const waitMs = retryAfterMsOf(error);
  if (waitMs === undefined || waitMs === 0) return;
  if (options.timeoutMs > 0 && waitMs > options.timeoutMs) throw error;
  await delay(waitMs, options.signal);
}

/** Resolves after `ms`, or rejects with the signal's own reason when it aborts first (as an aborted attempt does). */
function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class Thrown extends Error {
  constructor(readonly value: unknown) {
    super('non-Error thrown by a route');
  }
}
const wrap = (error: unknown): never => {
  throw error instanceof Error ? error : new Thrown(error);
};
const unwrap = (error: unknown): unknown => (error instanceof Thrown ? error.value : error);

/** `startedAt`: the caller's monotonic clock reading, if it has one (saves a clock read on the hot path). */
function attempt<Args extends unknown[], Output>(
  route: Route<Args, Output>,
  args: Args,
  options: InvokeOptions,
  startedAt?: number,
): Promise<Output> {
  const { deadlines, signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const scope = new RouteScope();
  let pending: Promise<Output>;
  try {
    pending = Promise.resolve(callInScope(scope, route.call, args));
  } catch (error) {
    return Promise.reject(error);
  }
  if (!signal) return deadlines ? withDeadline(pending, deadlines, scope, route.name, options, startedAt) : pending;

  return new Promise<Output>((resolve, reject) => {
    const fail = (error: unknown): void => {
      cleanup();
      scope.abort(error);
      reject(error);
    };
    const onAbort = (): void => fail(signal.reason);
    const deadline = deadlines?.add(
      () => fail(new TimeoutError(options.breaker, route.name, options.timeoutMs)),
      startedAt,
    );
    const cleanup = (): void => {
      if (deadline) deadlines!.delete(deadline);
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}

/** The common case, kept lean: a timeout and no caller signal. */
function withDeadline<Output>(
  pending: Promise<Output>,
  deadlines: DeadlineQueue,
  scope: RouteScope,
  route: string,
  options: InvokeOptions,
  startedAt: number | undefined,
): Promise<Output> {
  return new Promise<Output>((resolve, reject) => {
    const deadline = deadlines.add(() => {
      const error = new TimeoutError(options.breaker, route, options.timeoutMs);
      scope.abort(error);
      reject(error);
    }, startedAt);
    pending.then(
      (value) => {
        deadlines.delete(deadline);
        resolve(value);
      },
      (error: unknown) => {
        deadlines.delete(deadline);
        reject(error);
      },
    );
  });
}
