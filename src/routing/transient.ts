/**
 * Transient provider errors are worth retrying before a call counts as failed: rate limits
 * (429), server errors (5xx), request timeouts (408) and network failures.
 */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The HTTP status an error carries (openai, Anthropic, fetch wrappers, axios), if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  const status = e.status ?? e.statusCode ?? e.response?.status;
  return typeof status === 'number' ? status : undefined;
}

export function isTransientError(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; name?: unknown; cause?: unknown; message?: unknown };
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  // openai / Anthropic SDKs: connection errors (and the SDK's own request timeout) carry no status,
  // and their `name` is plain "Error", so the class name tells.
  const kind =
    typeof e.name === 'string' && e.name !== 'Error'
      ? e.name
      : (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (kind === 'APIConnectionError' || kind === 'APIConnectionTimeoutError') return true;
  // fetch: TypeError('fetch failed') with the socket error as cause.
  if (
    e.name === 'TypeError' &&
    typeof e.message === 'string' &&
    /fetch failed|failed to fetch|network/i.test(e.message)
  )
    return true;
  return e.cause !== undefined && e.cause !== error && isTransientError(e.cause);
}

/**
 * Errors the caller made (400, 401, 403, 404, 422): the model is not at fault, so they are
 * rethrown at once, never counted against the breaker and never sent to a fallback.
 */
export function isCallerError(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** The provider is rate-limiting us (429): the route is unavailable for now, the model is not at fault. */
export function isRateLimited(error: unknown): boolean {
  return statusOf(error) === 429;
}

/**
 * How long the provider asked us to wait, in ms: `retry-after-ms` (OpenAI), else `retry-after` in
 * seconds or as an HTTP date. Reads `error.headers` (a `Headers` or a plain object) or
 * `error.response.headers`. Undefined when there is none or it cannot be read.
 */
export function retryAfterMsOf(error: unknown, now = Date.now()): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { headers?: unknown; response?: { headers?: unknown } };
  const headers = e.headers ?? e.response?.headers;
  const ms = Number(header(headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && header(headers, 'retry-after-ms') !== undefined) return ms;
  const value = header(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}
