/**
 * The traffic log: one JSON object per line, one line per model call. See docs/cli.md for the
 * format. Parsing is hand-written (not zod) because replay reads a million lines a minute.
 */

/** How a recorded call failed. `"timeout"` is a timeout; an object is a provider error. */
export type TrafficError = 'timeout' | { readonly message?: string; readonly status?: number; readonly code?: string };

/** One route's answer, for fallbacks the log recorded too. */
export interface TrafficRouteResult {
  readonly text?: string;
  readonly latencyMs?: number;
  readonly error?: TrafficError;
}

/** One line of a traffic log: one call of a breaker's primary route. */
export interface TrafficLine {
  /** When the call started: epoch milliseconds, or an ISO 8601 string. */
  readonly t: number;
  /** The breaker's name (as in the config file). */
  readonly breaker: string;
  /** The output text the detectors read (redacted when recorded). */
  readonly text?: string;
  /** A reference to the text stored elsewhere, when the log does not carry it. */
  readonly textRef?: string;
  /** How long the call took, ms. */
  readonly latencyMs: number;
  /** Set when the call failed. */
  readonly error?: TrafficError;
  /** Call context (groups for fairness, tenant, …): plain values only. */
  readonly context?: Readonly<Record<string, string | number | boolean | null>>;
  /** Ground truth, when someone labelled the call: was it part of a real incident? */
  readonly label?: 'unsafe' | 'safe';
  /** What fallback routes answered, by route name (optional; drills write it). */
  readonly fallbacks?: Readonly<Record<string, TrafficRouteResult>>;
}

/** A line that is not a valid traffic record. */
export class TrafficLineError extends Error {
  override readonly name = 'TrafficLineError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** Serialises one record as one line (no newline). */
export function formatTrafficLine(line: TrafficLine): string {
  return JSON.stringify(line);
}

/** Parses one line; throws `TrafficLineError` naming the line and what is wrong. */
export function parseTrafficLine(text: string, lineNo: number): TrafficLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (error) {
    throw new TrafficLineError(lineNo, `not JSON (${(error as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new TrafficLineError(lineNo, 'expected a JSON object');
  const o = v as Record<string, unknown>;
  const bad = (reason: string): never => {
    throw new TrafficLineError(lineNo, reason);
  };
  let t = o.t;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) bad(`"t" must be epoch milliseconds or an ISO 8601 time (got ${JSON.stringify(t)})`);
    t = ms;
  } else if (typeof t !== 'number' || !Number.isFinite(t))
    bad(`"t" must be epoch milliseconds or an ISO 8601 time (got ${show(t)})`);
  if (typeof o.breaker !== 'string' || o.breaker === '')
    bad(`"breaker" must be a non-empty string (got ${show(o.breaker)})`);
  if (typeof o.latencyMs !== 'number' || !(o.latencyMs >= 0))
    bad(`"latencyMs" must be a number >= 0 (got ${show(o.latencyMs)})`);
  if (o.text !== undefined && typeof o.text !== 'string') bad(`"text" must be a string (got ${show(o.text)})`);
  if (o.textRef !== undefined && typeof o.textRef !== 'string')
    bad(`"textRef" must be a string (got ${show(o.textRef)})`);
  if (o.error !== undefined && o.error !== null) checkError(o.error, 'error', bad);
  if (o.text === undefined && o.textRef === undefined && (o.error === undefined || o.error === null))
    bad('needs "text", "textRef" or "error"');
  if (o.context !== undefined && (typeof o.context !== 'object' || o.context === null || Array.isArray(o.context)))
    bad(`"context" must be an object (got ${show(o.context)})`);
  if (o.label !== undefined && o.label !== 'unsafe' && o.label !== 'safe')
    bad(`"label" must be "unsafe" or "safe" (got ${show(o.label)})`);
  if (o.fallbacks !== undefined) {
    if (typeof o.fallbacks !== 'object' || o.fallbacks === null || Array.isArray(o.fallbacks))
      bad(`"fallbacks" must be an object of route results`);
    for (const [route, r] of Object.entries(o.fallbacks as object)) {
      if (typeof r !== 'object' || r === null) bad(`"fallbacks.${route}" must be an object`);
      const rr = r as Record<string, unknown>;
      if (rr.text !== undefined && typeof rr.text !== 'string') bad(`"fallbacks.${route}.text" must be a string`);
      if (rr.latencyMs !== undefined && (typeof rr.latencyMs !== 'number' || !(rr.latencyMs >= 0)))
        bad(`"fallbacks.${route}.latencyMs" must be a number >= 0`);
      if (rr.error !== undefined && rr.error !== null) checkError(rr.error, `fallbacks.${route}.error`, bad);
    }
  }
  if (o.error === null) delete o.error;
  o.t = t;
  return o as unknown as TrafficLine;
}

function checkError(e: unknown, key: string, bad: (reason: string) => never): void {
  if (e === 'timeout') return;
  if (typeof e !== 'object' || e === null || Array.isArray(e))
    bad(`"${key}" must be "timeout" or an object { message, status, code } (got ${show(e)})`);
  const r = e as Record<string, unknown>;
  if (r.status !== undefined && typeof r.status !== 'number') bad(`"${key}.status" must be a number`);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}
