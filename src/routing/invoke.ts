import { RouteScope, callInScope } from '../context.js';
import type { CallContext } from '../detectors/types.js';
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
 * provider errors. The first attempt runs without an extra async layer, so a healthy call pays
 * almost nothing for either.
 */
export function invokeRoute<Args extends unknown[], Output>(
  route: Route<Args, Output>,
  args: Args,
  options: InvokeOptions,
  startedAt?: number,
  context?: CallContext,
  scopeOut?: ScopeOut,
): Promise<Output> {
  const first = attempt(route, args, options, startedAt, context, scopeOut);
  const { retry } = options;
  if (!retry || retry.retries === 0) return first;
  return first.catch((error: unknown) => retryTransient(route, args, options, retry, error, context, scopeOut));
}

/** Receives the last attempt's scope: a streamed answer aborts it (its `callSignal()`) when it is cut or dropped. */
export interface ScopeOut {
  scope?: RouteScope;
}

/**
 * Retries a transient failure up to `retries` times. Before the nth retry it waits
 * `minTimeoutMs × 2^(n−1)` (at most `maxTimeoutMs`), or what a rate-limited provider asked
 * (`Retry-After`) when that is longer; a wait longer than the attempt timeout is not worth it: the
 * route is given up at once, so the call moves on to a fallback instead of sleeping. A loop of our
 * own rather than p-retry: the rule is this small, and p-retry was 4 kB of every app's bundle.
 */
async function retryTransient<Args extends unknown[], Output>(
  route: Route<Args, Output>,
  args: Args,
  options: InvokeOptions,
  retry: RetryOptions,
  error: unknown,
  context: CallContext | undefined,
  scopeOut: ScopeOut | undefined,
): Promise<Output> {
  let last = error;
  for (let n = 1; n <= retry.retries; n++) {
    if (options.signal?.aborted || !isTransientError(last)) throw last;
    const asked = retryAfterMsOf(last);
    if (asked !== undefined && options.timeoutMs > 0 && asked > options.timeoutMs) throw last;
    await delay(Math.max(Math.min(retry.maxTimeoutMs, retry.minTimeoutMs * 2 ** (n - 1)), asked ?? 0), options.signal);
    try {
      return await attempt(route, args, options, undefined, context, scopeOut);
    } catch (next) {
      last = next;
    }
  }
  throw last;
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

/** `startedAt`: the caller's monotonic clock reading, if it has one (saves a clock read on the hot path). */
function attempt<Args extends unknown[], Output>(
  route: Route<Args, Output>,
  args: Args,
  options: InvokeOptions,
  startedAt?: number,
  context?: CallContext,
  scopeOut?: ScopeOut,
): Promise<Output> {
  const { deadlines, signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const scope = new RouteScope(context);
  if (scopeOut) scopeOut.scope = scope;
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
