import type { BreakerStats } from '../guard.js';
import type { Mode } from '../options.js';
import type { BreakerState } from '../breaker/state-machine.js';
import { silentLogger, isLogger, type Logger } from '../telemetry/logging.js';
import { redact } from '../telemetry/redact.js';
import { parseOptions } from '../validation.js';
import { onlyKeys } from './option-keys.js';
import { problem, type ProblemResponse } from './problem.js';

/** What the admin routes need of a guarded function: its handle (every `guard()` result has it). */
export interface AdminBreaker {
  readonly breakerName: string;
  readonly state: BreakerState;
  readonly mode: Mode;
  forceOpen(reason: string, by?: { actor?: string }): void;
  reset(reason?: string, by?: { actor?: string }): void;
  setMode(mode: Mode, reason?: string, by?: { actor?: string }): void;
  stats(): BreakerStats;
}

/** What the incident routes need of an incident log (`incidents()` from `safety-breaker/incidents` is one). */
export interface AdminIncidents {
  list(filter?: { status?: 'open' | 'closed'; breaker?: string }): readonly { readonly id: string }[];
  get(id: string): { readonly id: string } | undefined;
  fileReport(id: string, report: string, by?: { actor?: string }): { readonly id: string };
}

/** The breakers the admin routes manage: a list, a map, or a function returning the current list. */
export type AdminBreakers =
  Iterable<AdminBreaker> | Readonly<Record<string, AdminBreaker>> | (() => Iterable<AdminBreaker>);

/**
 * The answer of `authorize(req)`: `{ actor }` to allow (the actor goes into the audit record),
 * `{ deny: 401 }` when the caller is not authenticated, `{ deny: 403 }` (or `false`) when the
 * caller may not manage breakers. Only `{ actor }` with a non-empty actor and no `deny` key lets
 * the caller in; anything else (`{ actor, deny }`, `true`, `undefined`, …) is refused with 403.
 */
export type AdminAuthorization =
  | { readonly actor: string; readonly deny?: never }
  | { readonly deny: 401 | 403; readonly reason?: string; readonly actor?: never }
  | false;

/** One manual action: who did what to which breaker, and why. */
export interface AuditRecord {
  readonly audit: true;
  /** ISO time of the action. */
  readonly at: string;
  readonly actor: string;
  readonly action: 'force-open' | 'reset' | 'shadow-on' | 'shadow-off' | 'report-filed';
  readonly breaker: string;
  /** The operator's reason, with personal data redacted. */
  readonly reason: string;
  readonly from: string;
  readonly to: string;
}

export interface AdminOptions<Req> {
  /** The breakers to list and manage. Names must be unique. */
  breakers: AdminBreakers;
  /** Required: the admin routes refuse to mount without it. Runs before every admin request. */
  authorize: (req: Req) => AdminAuthorization | Promise<AdminAuthorization>;
  /** Where audit records go (info level, `audit: true`). Default: silent; pass the app's pino logger. */
  logger?: Logger;
  /** Called with every audit record, e.g. to store it or notify a channel. */
  onAudit?: (record: AuditRecord) => void;
  /** The incident log: serves `GET /incidents`, `GET /incidents/:id` and `POST /incidents/:id/reports/:report`. */
  incidents?: AdminIncidents;
}

/** The result of one admin request. */
export interface AdminResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const MAX_REASON = 500;

/** The framework-neutral admin logic shared by the Express router and the Fastify plugin. */
export interface AdminCore<Req> {
  /** `{ actor }` when allowed, else the 401/403 response to send. */
  authorize(req: Req): Promise<{ actor: string } | ProblemResponse>;
  /**
   * Handles `GET /breakers`, `GET /breakers/:name` (and `HEAD` of both), `POST /breakers/:name/{force-open,reset,shadow}`,
   * and with an incident log `GET /incidents[?status=open|closed&breaker=NAME]`, `GET /incidents/:id`,
   * `POST /incidents/:id/reports/:report`. `path` may carry a query string.
   */
  handle(method: string, path: string, body: unknown, actor: string): AdminResult;
}

/**
 * Validates the options (throwing a TypeError that names the bad one) and builds the admin logic.
 * `frameworkKeys`: options the framework itself reads (Fastify's `prefix`).
 */
export function createAdminCore<Req>(
  options: AdminOptions<Req>,
  where: string,
  frameworkKeys: readonly string[] = [],
): AdminCore<Req> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${where}: options are required ({ breakers, authorize })`);
  parseOptions(onlyKeys('breakers', 'authorize', 'logger', 'onAudit', 'incidents', ...frameworkKeys), options, where);
  if (typeof options.authorize !== 'function') {
    throw new TypeError(
      `${where}: option "authorize" is required: a function (req) => { actor } | { deny: 401 | 403 }. Admin routes can force breakers open; they never mount without authorisation.`,
    );
  }
  if (options.logger !== undefined && !isLogger(options.logger))
    throw new TypeError(`${where}: option "logger" must be a pino-compatible logger (debug, info, warn, error)`);
  if (options.onAudit !== undefined && typeof options.onAudit !== 'function')
    throw new TypeError(`${where}: option "onAudit" must be a function (record) => void`);
  const incidentLog = options.incidents;
  if (
    incidentLog !== undefined &&
    (typeof incidentLog?.list !== 'function' ||
      typeof incidentLog.get !== 'function' ||
      typeof incidentLog.fileReport !== 'function')
  )
    throw new TypeError(
      `${where}: option "incidents" must be an incident log (incidents() from safety-breaker/incidents)`,
    );
  const listBreakers = breakerLister(options.breakers, where);
  listBreakers(); // validates names now, at mount time
  const logger = options.logger ?? silentLogger;
  const authorizeFn = options.authorize;

  const find = (name: string): AdminBreaker | undefined => {
    for (const b of listBreakers()) if (b.breakerName === name) return b;
    return undefined;
  };

  const audit = (record: Omit<AuditRecord, 'audit' | 'at'>): void => {
    const full: AuditRecord = { audit: true, at: new Date().toISOString(), ...record };
    logger.info({ ...full }, `admin: ${full.actor} ${full.action} ${full.breaker}: ${full.reason}`);
    try {
      options.onAudit?.(full);
    } catch (error) {
      logger.warn(
        { audit: true, err: { message: error instanceof Error ? error.message : String(error) } },
        'admin: onAudit threw',
      );
    }
  };

  return {
    async authorize(req) {
      let decision: AdminAuthorization;
      try {
        decision = await authorizeFn(req);
      } catch (error) {
        logger.warn(
          { audit: true, err: { message: error instanceof Error ? error.message : String(error) } },
          'admin: authorize(req) threw; request refused',
        );
        return problem(403, 'Forbidden', 'authorisation failed', 'SAFETY_BREAKER_ADMIN_FORBIDDEN');
      }
      if (isAllowed(decision)) return { actor: escapeControls(decision.actor) };
      if (isObject(decision) && 'actor' in decision && 'deny' in decision) {
        logger.warn(
          { audit: true },
          'admin: authorize(req) returned both "actor" and "deny"; request refused (return { actor } to allow, { deny } to refuse)',
        );
        return problem(403, 'Forbidden', 'not allowed to manage breakers', 'SAFETY_BREAKER_ADMIN_FORBIDDEN');
      }
      if (isObject(decision) && !('actor' in decision) && decision.deny === 401) {
        const p = problem(
          401,
          'Unauthorized',
          reasonOf(decision) ?? 'authentication required',
          'SAFETY_BREAKER_ADMIN_UNAUTHORIZED',
        );
        return { ...p, headers: { ...p.headers, 'www-authenticate': 'Bearer' } };
      }
      const reason = isObject(decision) && !('actor' in decision) ? reasonOf(decision) : undefined;
      return problem(403, 'Forbidden', reason ?? 'not allowed to manage breakers', 'SAFETY_BREAKER_ADMIN_FORBIDDEN');
    },

    handle(method, url, body, actor) {
      const [path = '', query = ''] = url.split('?');
      const parts = path.split('/').filter(Boolean).map(decodeSegment);
      // HEAD is GET without the body (the frameworks drop it).
      const read = method === 'GET' || method === 'HEAD';
      if (parts[0] === 'incidents' && incidentLog && !parts.includes(undefined))
        return incidentRoute(incidentLog, method, parts as string[], new URLSearchParams(query), body, actor, audit);
      if (parts[0] !== 'breakers' || parts.length > 3 || parts.includes(undefined)) return notFound(path);
      if (parts.length === 1) {
        if (!read) return methodNotAllowed('GET, HEAD');
        return ok({ breakers: [...listBreakers()].map(presentStats) });
      }
      const name = parts[1]!;
      const breaker = find(name);
      if (!breaker)
        return toResult(
          problem(404, 'Not Found', `no breaker named "${name}"`, 'SAFETY_BREAKER_ADMIN_UNKNOWN_BREAKER'),
        );
      if (parts.length === 2) {
        if (!read) return methodNotAllowed('GET, HEAD');
        return ok(presentStats(breaker));
      }
      if (method !== 'POST') return methodNotAllowed('POST');
      const action = parts[2]!;
      const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      const rawReason = input.reason;
      if (typeof rawReason !== 'string' || rawReason.trim() === '')
        return badRequest('body field "reason" is required: a short sentence saying why, for the audit record');
      if (rawReason.length > MAX_REASON)
        return badRequest(`body field "reason" is longer than ${MAX_REASON} characters`);
      // Redacted, then control characters and ANSI escapes made visible: the reason reaches logs and terminals.
      const reason = escapeControls(redact(rawReason.trim()));
      const who = `${reason} (by ${actor})`;
      const by = { actor };
      switch (action) {
        case 'force-open': {
          const from = breaker.state;
          breaker.forceOpen(who, by);
          audit({ actor, action: 'force-open', breaker: name, reason, from, to: breaker.state });
          return ok(presentStats(breaker));
        }
        case 'reset': {
          const from = breaker.state;
          breaker.reset(who, by);
          audit({ actor, action: 'reset', breaker: name, reason, from, to: breaker.state });
          return ok(presentStats(breaker));
        }
        case 'shadow': {
          if (typeof input.enabled !== 'boolean')
            return badRequest(
              'body field "enabled" is required: true (shadow: detect and record only) or false (enforce)',
            );
          const from = breaker.mode;
          breaker.setMode(input.enabled ? 'shadow' : 'enforce', who, by);
          audit({
            actor,
            action: input.enabled ? 'shadow-on' : 'shadow-off',
            breaker: name,
            reason,
            from,
            to: breaker.mode,
          });
          return ok(presentStats(breaker));
        }
        default:
          return notFound(path);
      }
    },
  };
}

/** `/incidents`, `/incidents/:id`, `/incidents/:id/reports/:report`. */
function incidentRoute(
  log: AdminIncidents,
  method: string,
  parts: string[],
  query: URLSearchParams,
  body: unknown,
  actor: string,
  audit: (record: Omit<AuditRecord, 'audit' | 'at'>) => void,
): AdminResult {
  const read = method === 'GET' || method === 'HEAD';
  if (parts.length === 1) {
    if (!read) return methodNotAllowed('GET, HEAD');
    const status = query.get('status');
    if (status !== null && status !== 'open' && status !== 'closed')
      return badRequest('query "status" must be open or closed');
    const breaker = query.get('breaker');
    return ok({
      incidents: log.list({ ...(status !== null && { status }), ...(breaker !== null && { breaker }) }),
    });
  }
  const id = parts[1]!;
  const incident = log.get(id);
  if (!incident)
    return toResult(problem(404, 'Not Found', `no incident "${id}"`, 'SAFETY_BREAKER_ADMIN_UNKNOWN_INCIDENT'));
  if (parts.length === 2) {
    if (!read) return methodNotAllowed('GET, HEAD');
    return ok(incident);
  }
  if (parts.length !== 4 || parts[2] !== 'reports') return notFound(`/${parts.join('/')}`);
  if (method !== 'POST') return methodNotAllowed('POST');
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (input.reason !== undefined && typeof input.reason !== 'string')
    return badRequest('body field "reason" must be a string');
  const rawReason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (rawReason.length > MAX_REASON) return badRequest(`body field "reason" is longer than ${MAX_REASON} characters`);
  try {
    const filed = log.fileReport(id, parts[3]!, { actor });
    audit({
      actor,
      action: 'report-filed',
      breaker: (incident as { breaker?: string }).breaker ?? '',
      reason: escapeControls(redact(rawReason || `report ${parts[3]} of ${id} filed`)),
      from: 'due',
      to: 'filed',
    });
    return ok(filed);
  } catch (error) {
    return toResult(
      problem(
        404,
        'Not Found',
        error instanceof Error ? error.message : String(error),
        'SAFETY_BREAKER_ADMIN_UNKNOWN_REPORT',
      ),
    );
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The one shape that lets a caller in: `{ actor }`, a non-empty string, and no `deny` key. */
function isAllowed(decision: unknown): decision is { actor: string } {
  return (
    isObject(decision) && !('deny' in decision) && typeof decision.actor === 'string' && decision.actor.trim() !== ''
  );
}

function reasonOf(decision: Record<string, unknown>): string | undefined {
  return typeof decision.reason === 'string' ? escapeControls(decision.reason) : undefined;
}

// C0 controls (ESC starts ANSI sequences), DEL, C1 controls, line/paragraph separators and the
// bidirectional overrides that make text read differently from what it is.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters as visible `\uXXXX` escapes: an audit reason or actor can neither colour a
 * terminal, move its cursor, forge a log line nor reorder what an operator reads.
 */
function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A breaker's stats as the admin routes send them: times in whole milliseconds. */
function presentStats(breaker: AdminBreaker): BreakerStats {
  const stats = breaker.stats();
  return { ...stats, retryAfterMs: Math.ceil(stats.retryAfterMs) };
}

function breakerLister(input: AdminBreakers, where: string): () => AdminBreaker[] {
  const isBreaker = (b: unknown): b is AdminBreaker =>
    (typeof b === 'object' || typeof b === 'function') &&
    b !== null &&
    typeof (b as AdminBreaker).breakerName === 'string' &&
    typeof (b as AdminBreaker).stats === 'function' &&
    typeof (b as AdminBreaker).forceOpen === 'function';
  const check = (list: unknown[]): AdminBreaker[] => {
    const names = new Set<string>();
    list.forEach((b, i) => {
      if (!isBreaker(b))
        throw new TypeError(`${where}: option "breakers"[${i}] is not a guarded function (pass what guard() returned)`);
      if (names.has(b.breakerName))
        throw new TypeError(`${where}: option "breakers": two breakers are named "${b.breakerName}"`);
      names.add(b.breakerName);
    });
    return list as AdminBreaker[];
  };
  if (typeof input === 'function' && !isBreaker(input))
    return () => check([...(input as () => Iterable<AdminBreaker>)()]);
  if (
    input !== null &&
    typeof input === 'object' &&
    typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function'
  ) {
    const list = check([...(input as Iterable<unknown>)]);
    return () => list;
  }
  if (input !== null && typeof input === 'object') {
    const list = check(Object.values(input));
    return () => list;
  }
  throw new TypeError(
    `${where}: option "breakers" is required: a list or map of guarded functions, or a function returning them`,
  );
}

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

const ok = (body: unknown): AdminResult => ({ status: 200, headers: JSON_HEADERS, body });
const toResult = (p: ProblemResponse): AdminResult => ({ status: p.status, headers: p.headers, body: p.body });
const badRequest = (detail: string): AdminResult =>
  toResult(problem(400, 'Bad Request', detail, 'SAFETY_BREAKER_ADMIN_BAD_REQUEST'));
const notFound = (path: string): AdminResult =>
  toResult(problem(404, 'Not Found', `no admin route ${path}`, 'SAFETY_BREAKER_ADMIN_NOT_FOUND'));
const methodNotAllowed = (allow: string): AdminResult => {
  const p = problem(405, 'Method Not Allowed', `use ${allow}`, 'SAFETY_BREAKER_ADMIN_METHOD_NOT_ALLOWED');
  return { status: 405, headers: { ...p.headers, allow }, body: p.body };
};
