import {
  isBreakerOpenError,
  isOutputBlockedError,
  isSafetyBreakerError,
  isTimeoutError,
  ErrorCodes,
} from '../errors.js';

/** The media type of RFC 9457 problem details. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem details body, with the error's stable `code` as an extension member. */
export interface ProblemDetails {
  /** `urn:safety-breaker:error:<CODE>`; the codes are listed in docs/errors.md. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The stable error code, e.g. `SAFETY_BREAKER_OPEN`. */
  readonly code: string;
  /** The breaker's name (from configuration). */
  readonly breaker?: string;
  /** Seconds until the breaker admits a probe again (the same value as the `Retry-After` header). */
  readonly retryAfter?: number;
}

/** What an HTTP integration sends for an error: status, headers and a problem+json body. */
export interface ProblemResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ProblemDetails;
}

/** `Retry-After` in whole seconds: the remaining open time rounded up, at least 1. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 1;
}

/** A problem body for an integration's own refusals (bad admin request, unknown breaker, …). */
export function problem(status: number, title: string, detail: string, code: string): ProblemResponse {
  return {
    status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: { type: `urn:safety-breaker:error:${code}`, title, status, detail, code },
  };
}

/**
 * Maps a safety-breaker error to its HTTP response, or `undefined` for any other error (let the
 * app's own error handling have it):
 *
 * - `BreakerOpenError` → 503 with `Retry-After` (whole seconds until the breaker admits a probe);
 * - `OutputBlockedError` → 502 (the model answered, the answer was unsafe, nothing could replace it);
 * - `TimeoutError` → 504;
 * - any other safety-breaker error (e.g. disposed) → 503 without `Retry-After`.
 */
export function problemFor(error: unknown): ProblemResponse | undefined {
  if (!isSafetyBreakerError(error)) return undefined;
  const base = {
    type: `urn:safety-breaker:error:${error.code}`,
    detail: error.message,
    code: error.code,
    breaker: error.breaker,
  };
  if (isBreakerOpenError(error)) {
    const seconds = retryAfterSeconds(error.retryAfterMs);
    return {
      status: 503,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'retry-after': String(seconds) },
      body: { ...base, title: 'Model unavailable: circuit breaker open', status: 503, retryAfter: seconds },
    };
  }
  if (isOutputBlockedError(error))
    return {
      status: 502,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { ...base, title: 'Model output blocked', status: 502 },
    };
  if (isTimeoutError(error))
    return {
      status: 504,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE },
      body: { ...base, title: 'Model call timed out', status: 504 },
    };
  return {
    status: 503,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: {
      ...base,
      title: error.code === ErrorCodes.DISPOSED ? 'Breaker shut down' : 'Model unavailable',
      status: 503,
    },
  };
}
