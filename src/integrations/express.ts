/**
 * `safety-breaker/express`: Express 5 middleware, error handler, metrics handler and admin
 * router. Nothing here loads Express itself; it only uses the request and response objects.
 *
 * ```ts
 * app.use(express.json());
 * app.use(safetyBreaker({ context: (req) => ({ tenant: req.get('x-tenant') }) }));
 * app.post('/chat', async (req, res) => res.json(await chat(req.body)));
 * app.get('/metrics', metricsHandler(registry));
 * app.use('/admin', adminRouter({ breakers: [chat], authorize: (req) => checkToken(req) }));
 * app.use(breakerErrorHandler());
 * ```
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';
import { runWithContext } from '../context.js';
import type { CallContext } from '../detectors/types.js';
import { parseOptions } from '../validation.js';
import { createAdminCore, type AdminOptions, type AdminResult } from './admin.js';
import { onlyKeys } from './option-keys.js';
import { problem, problemFor, type ProblemResponse } from './problem.js';
import { writeSse, type SseOptions, type SseSource } from './sse.js';

export type {
  AdminAuthorization,
  AdminBreaker,
  AdminBreakers,
  AdminIncidents,
  AdminOptions,
  AuditRecord,
} from './admin.js';
export {
  PROBLEM_CONTENT_TYPE,
  problemFor,
  retryAfterSeconds,
  type ProblemDetails,
  type ProblemResponse,
} from './problem.js';

export type { SseOptions, SseSource } from './sse.js';

/**
 * Sends a (guarded) stream as server-sent events: one event per chunk, then `data: [DONE]`, also
 * after the guard cut the stream. A client that disconnects stops the stream (and the model).
 *
 * ```ts
 * app.post('/chat/stream', async (req, res) => sse(res, await chat({ ...req.body, stream: true })));
 * ```
 */
export function sse<Chunk>(res: Response, stream: SseSource<Chunk>, options?: SseOptions<Chunk>): Promise<void> {
  return writeSse(res, stream, options);
}

export interface ExpressContextOptions {
  /** Extra context for guarded calls (group attributes for fairness, tenant, …). Only values from configuration or vetted request fields. */
  context?: (req: Request) => CallContext | undefined;
  /**
   * The header carrying the request id (default `x-request-id`): used when present and sane,
   * generated otherwise, and echoed on the response. `false` to always generate and not echo.
   */
  requestIdHeader?: string | false;
}

const SANE_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * Runs the rest of the request inside a context (request id + `context(req)`) that every guarded
 * call made while handling it sees, however deep and however many requests run at once.
 * Mount it after body parsers (`express.json()`), so the handlers run in its scope.
 */
export function safetyBreaker(options: ExpressContextOptions = {}): RequestHandler {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('safetyBreaker(options): options must be an object');
  parseOptions(onlyKeys('context', 'requestIdHeader'), options, 'safetyBreaker()');
  if (options.context !== undefined && typeof options.context !== 'function')
    throw new TypeError('safetyBreaker(): option "context" must be a function (req) => context');
  const header = options.requestIdHeader === undefined ? 'x-request-id' : options.requestIdHeader;
  if (header !== false && (typeof header !== 'string' || header === ''))
    throw new TypeError('safetyBreaker(): option "requestIdHeader" must be a header name or false');
  const contextOf = options.context;
  return function safetyBreakerContext(req: Request, res: Response, next: NextFunction): void {
    const incoming = header ? req.headers[header.toLowerCase()] : undefined;
    const requestId = typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID();
    if (header) res.setHeader(header, requestId);
    let extra: CallContext | undefined;
    try {
      extra = contextOf?.(req);
    } catch (error) {
      next(error);
      return;
    }
    runWithContext(extra ? { requestId, ...extra } : { requestId }, () => next());
  };
}

/**
 * Turns safety-breaker errors into `application/problem+json` responses: an open breaker with no
 * fallback is a 503 with `Retry-After` in whole seconds; a blocked output 502; a timeout 504.
 * Any other error goes on to the next error handler. Mount it after your routes.
 */
export function breakerErrorHandler(): ErrorRequestHandler {
  return function safetyBreakerErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
    const p = problemFor(error);
    if (!p || res.headersSent) {
      next(error);
      return;
    }
    send(res, p);
  };
}

/** Serves the registry in the Prometheus text format (the registry's own content type). */
export function metricsHandler(registry: Registry): RequestHandler {
  if (typeof registry !== 'object' || registry === null || typeof registry.metrics !== 'function')
    throw new TypeError('metricsHandler(registry): registry must be a prom-client Registry');
  return function safetyBreakerMetrics(_req: Request, res: Response, next: NextFunction): void {
    registry.metrics().then(
      (text) => {
        res.statusCode = 200;
        res.setHeader('content-type', registry.contentType);
        res.end(text);
      },
      (error: unknown) => next(error),
    );
  };
}

/**
 * Admin routes, mounted under a path of your choice (`app.use('/admin', adminRouter(…))`):
 *
 * - `GET  /breakers` — every breaker's stats
 * - `GET  /breakers/:name`
 * - `POST /breakers/:name/force-open` `{ reason }`
 * - `POST /breakers/:name/reset` `{ reason }`
 * - `POST /breakers/:name/shadow` `{ enabled, reason }`
 * - with `incidents` (an incident log): `GET /incidents[?status=open|closed&breaker=NAME]`,
 *   `GET /incidents/:id`, `POST /incidents/:id/reports/:report` `{ reason? }`
 *
 * `HEAD` is served on the GET routes. Throws (refuses to mount) without `authorize(req)`; only an
 * `{ actor }` answer lets a caller in. Every action is logged as an audit record with the actor
 * and the reason (control characters escaped). Reads a JSON body itself if no body parser ran.
 */
export function adminRouter(options: AdminOptions<Request>): RequestHandler {
  const core = createAdminCore(options, 'adminRouter()');
  return function safetyBreakerAdmin(req: Request, res: Response, next: NextFunction): void {
    (async () => {
      const auth = await core.authorize(req);
      if (!('actor' in auth)) return send(res, auth);
      let body: unknown = req.body;
      if (req.method === 'POST' && body === undefined) {
        const parsed = await readJson(req);
        if (!parsed.ok) return send(res, parsed.problem);
        body = parsed.value;
      }
      sendResult(res, core.handle(req.method, req.url, body, auth.actor));
    })().catch(next);
  };
}

function send(res: ServerResponse, p: ProblemResponse): void {
  sendResult(res, { status: p.status, headers: p.headers, body: p.body });
}

function sendResult(res: ServerResponse, r: AdminResult): void {
  res.statusCode = r.status;
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  res.end(JSON.stringify(r.body));
}

const MAX_BODY = 16 * 1024;

/** A small JSON body reader for admin POSTs when the app mounted no body parser. */
function readJson(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; problem: ProblemResponse }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: { ok: true; value: unknown } | { ok: false; problem: ProblemResponse }): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY)
        finish({
          ok: false,
          problem: problem(
            413,
            'Payload Too Large',
            `admin request bodies are limited to ${MAX_BODY} bytes`,
            'SAFETY_BREAKER_ADMIN_BAD_REQUEST',
          ),
        });
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return finish({ ok: true, value: {} });
      try {
        finish({ ok: true, value: JSON.parse(text) });
      } catch {
        finish({
          ok: false,
          problem: problem(
            400,
            'Bad Request',
            'the request body is not valid JSON',
            'SAFETY_BREAKER_ADMIN_BAD_REQUEST',
          ),
        });
      }
    });
    req.on('error', () =>
      finish({
        ok: false,
        problem: problem(400, 'Bad Request', 'the request body could not be read', 'SAFETY_BREAKER_ADMIN_BAD_REQUEST'),
      }),
    );
  });
}
