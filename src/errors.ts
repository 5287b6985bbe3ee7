/**
 * Error classes with stable codes. Each has an `is…Error()` guard that checks a global brand
 * (`Symbol.for`), so it also recognises errors thrown by a second copy of this package.
 */

const BRAND = Symbol.for('safety-breaker.error');

/** Every code this package throws, documented in docs/errors.md. */
export const ErrorCodes = {
  BREAKER_OPEN: 'SAFETY_BREAKER_OPEN',
  OUTPUT_BLOCKED: 'SAFETY_BREAKER_OUTPUT_BLOCKED',
  TIMEOUT: 'SAFETY_BREAKER_TIMEOUT',
  DISPOSED: 'SAFETY_BREAKER_DISPOSED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Base class of the errors this package throws on a call. */
export class SafetyBreakerError extends Error {
  readonly code: ErrorCode;
  /** Name of the breaker that threw. */
  readonly breaker: string;

  constructor(code: ErrorCode, breaker: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.breaker = breaker;
    Object.defineProperty(this, BRAND, { value: code });
  }
}

/**
 * Every route is exhausted while the breaker is not closed: the primary is open (or forced
 * open, or busy with half-open probes) and no fallback served. `retryAfterMs` is the time until
 * the breaker admits a probe again (0 when that is already the case, or unknown when forced open).
 */
export class BreakerOpenError extends SafetyBreakerError {
  override readonly name = 'BreakerOpenError';
  readonly retryAfterMs: number;
  readonly state: string;

  constructor(breaker: string, state: string, retryAfterMs: number, options?: { cause?: unknown }) {
    super(
      ErrorCodes.BREAKER_OPEN,
      breaker,
      `Breaker "${breaker}" is ${state} and no fallback could serve; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
      options,
    );
    this.state = state;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The breaker is closed but the output was blocked and no fallback or safe reply could serve instead. */
export class OutputBlockedError extends SafetyBreakerError {
  override readonly name = 'OutputBlockedError';
  /** Detectors that blocked the output. */
  readonly detectors: readonly string[];

  constructor(breaker: string, detectors: readonly string[], options?: { cause?: unknown }) {
    super(
      ErrorCodes.OUTPUT_BLOCKED,
      breaker,
      `Breaker "${breaker}" blocked an output (${detectors.join(', ')}) and no fallback could serve`,
      options,
    );
    this.detectors = detectors;
  }
}

/** A route did not answer within `timeoutMs`. Counts as a failure of that route. */
export class TimeoutError extends SafetyBreakerError {
  override readonly name = 'TimeoutError';
  readonly timeoutMs: number;
  readonly route: string;

  constructor(breaker: string, route: string, timeoutMs: number) {
    super(ErrorCodes.TIMEOUT, breaker, `Route "${route}" of breaker "${breaker}" timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
    this.route = route;
  }
}

/** The guarded function was called after `dispose()`. */
export class DisposedError extends SafetyBreakerError {
  override readonly name = 'DisposedError';
  constructor(breaker: string) {
    super(ErrorCodes.DISPOSED, breaker, `Breaker "${breaker}" was disposed`);
  }
}

function hasCode(error: unknown, code: ErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === code;
}

/** True for any error thrown by safety-breaker (any copy of the package). */
export function isSafetyBreakerError(error: unknown): error is SafetyBreakerError {
  return typeof error === 'object' && error !== null && BRAND in error;
}

export function isBreakerOpenError(error: unknown): error is BreakerOpenError {
  return hasCode(error, ErrorCodes.BREAKER_OPEN);
}

export function isOutputBlockedError(error: unknown): error is OutputBlockedError {
  return hasCode(error, ErrorCodes.OUTPUT_BLOCKED);
}

export function isTimeoutError(error: unknown): error is TimeoutError {
  return hasCode(error, ErrorCodes.TIMEOUT);
}
