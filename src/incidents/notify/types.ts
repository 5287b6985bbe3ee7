import type { IncidentNotice } from '../notice.js';

/** Why one delivery attempt failed: the `reason` label of `safety_breaker_notify_failures_total`. */
export type FailureReason = 'timeout' | 'network' | 'rate_limited' | 'server_error' | 'rejected' | 'error';

/**
 * Something that tells the on-call about an incident: PagerDuty, Slack, Opsgenie, a signed
 * webhook, or your own. A notify queue calls `send` off the call path, one notice at a time per
 * notifier, and retries what fails.
 */
export interface Notifier {
  /** The `notifier` label of the metrics and the field in logs: letters, digits and `_ . : -`. */
  readonly name: string;
  /**
   * Delivers one notice. Throws a {@link NotifyDeliveryError} to say whether a retry can help
   * (any other error is retried). Must stop when `signal` aborts (per-attempt timeout, shutdown).
   */
  send(notice: IncidentNotice, signal: AbortSignal): Promise<void>;
}

/** A failed delivery attempt: what went wrong and whether trying again can help. */
export class NotifyDeliveryError extends Error {
  override readonly name = 'NotifyDeliveryError';
  readonly reason: FailureReason;
  /** The HTTP status, when the endpoint answered. */
  readonly status?: number;
  /** The endpoint's `Retry-After`, in ms: no retry comes sooner. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    reason: FailureReason,
    details: { readonly status?: number; readonly retryAfterMs?: number; readonly cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = reason;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  /** A 4xx other than 408 and 429 says the request itself is wrong (bad key, bad payload): sending it again cannot help. */
  get retryable(): boolean {
    return this.reason !== 'rejected';
  }
}
