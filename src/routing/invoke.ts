import pRetry from 'p-retry';
import { RouteScope, routeScope } from '../context.js';
import { TimeoutError } from '../errors.js';
import type { Route } from './routes.js';
import { isTransientError } from './transient.js';

export interface RetryOptions {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

export interface InvokeOptions {
  readonly breaker: string;
  /** Per attempt; 0 = none. */
  readonly timeoutMs: number;
  readonly retry: RetryOptions | false;
  readonly signal: AbortSignal | undefined;
}

/**
 * Calls one route: timeout per attempt, the caller's abort signal, and retries of transient
 * provider errors. The first attempt runs without p-retry, so a healthy call pays nothing for it.
 */
export async function invokeRoute<Args extends unknown[], Output>(route: Route<Args, Output>, args: Args, options: InvokeOptions): Promise<Output> {
  try {
    return await attempt(route, args, options);
  } catch (error) {
    const { retry, signal } = options;
    if (!retry || retry.retries === 0 || signal?.aborted || !isTransientError(error)) throw error;
    return pRetry(() => attempt(route, args, options), {
      retries: retry.retries - 1,
      minTimeout: retry.minTimeoutMs,
      maxTimeout: retry.maxTimeoutMs,
      shouldRetry: ({ error: next }) => isTransientError(next),
      ...(signal && { signal }),
    });
  }
}

function attempt<Args extends unknown[], Output>(route: Route<Args, Output>, args: Args, options: InvokeOptions): Promise<Output> {
  const { timeoutMs, signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const scope = new RouteScope();
  let pending: Promise<Output>;
  try {
    pending = Promise.resolve(routeScope.run(scope, route.call, args));
  } catch (error) {
    return Promise.reject(error);
  }
  if (timeoutMs <= 0 && !signal) return pending;

  return new Promise<Output>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      cleanup();
      scope.abort(signal!.reason);
      reject(signal!.reason);
    };
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        const error = new TimeoutError(options.breaker, route.name, timeoutMs);
        cleanup();
        scope.abort(error);
        reject(error);
      }, timeoutMs);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => (cleanup(), resolve(value)),
      (error: unknown) => (cleanup(), reject(error)),
    );
  });
}
