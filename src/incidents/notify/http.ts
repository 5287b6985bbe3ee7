import { redact } from '../../telemetry/redact.js';
import { NotifyDeliveryError } from './types.js';

/** How much of an error response's body goes into the error message (the endpoint's own words, redacted). */
const BODY_EXCERPT = 200;

/**
 * POSTs `body` and maps the answer to success or a {@link NotifyDeliveryError}. The URL never
 * appears in an error (a Slack webhook URL is itself the secret). Uses the global `fetch` at call
 * time, so an app's (or a test's) interception applies.
 */
export async function post(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<void> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal,
      redirect: 'error',
    });
    // Read the body in full: it frees the connection, and error bodies say what was wrong.
    text = await response.text();
  } catch (error) {
    throw aborted(signal) ?? new NotifyDeliveryError(`request failed: ${causeOf(error)}`, 'network', { cause: error });
  }
  if (response.ok) return;
  const status = response.status;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
  const said = text ? `: ${redact(text.slice(0, BODY_EXCERPT))}` : '';
  const details = { status, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  if (status === 429) throw new NotifyDeliveryError(`HTTP 429 (rate limited)${said}`, 'rate_limited', details);
  if (status >= 500 || status === 408) throw new NotifyDeliveryError(`HTTP ${status}${said}`, 'server_error', details);
  throw new NotifyDeliveryError(`HTTP ${status}${said}`, 'rejected', { status });
}

/** The error for an attempt its signal ended: the per-attempt timeout, or the queue shutting down. */
function aborted(signal: AbortSignal): NotifyDeliveryError | undefined {
  if (!signal.aborted) return undefined;
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return new NotifyDeliveryError(timedOut ? 'timed out' : 'aborted', timedOut ? 'timeout' : 'error', { cause: reason });
}

/** `fetch failed` says little: the cause (ECONNREFUSED, ENOTFOUND, …) says what happened. */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code ? `${error.message} (${code})` : error.message;
}

/**
 * `Retry-After` in ms: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or
 * unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
