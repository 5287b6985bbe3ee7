/**
 * `safety-breaker/fastify`: a Fastify 5 plugin (via fastify-plugin) that puts request context
 * into every guarded call, answers safety-breaker errors with problem+json (503 + `Retry-After`
 * for an open breaker), optionally serves metrics; and an encapsulated admin plugin.
 *
 * ```ts
 * await app.register(safetyBreakerPlugin, { context: (req) => ({ tenant: req.headers['x-tenant'] }), metrics: { registry } });
 * await app.register(safetyBreakerAdmin, { prefix: '/admin', breakers: [chat], authorize: (req) => checkToken(req) });
 * ```
 */
import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import { runWithContext } from '../context.js';
import type { CallContext } from '../detectors/types.js';
import { parseOptions } from '../validation.js';
import { createAdminCore, type AdminOptions } from './admin.js';
import { onlyKeys } from './option-keys.js';
import { PROBLEM_CONTENT_TYPE, problemFor, type ProblemResponse } from './problem.js';
import { writeSse, type SseOptions, type SseSource } from './sse.js';

export type { SseOptions, SseSource } from './sse.js';
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

export interface SafetyBreakerPluginOptions {
  /** Extra context for guarded calls (group attributes, tenant, …). The request id (`request.id`) is always included. */
  context?: (request: FastifyRequest) => CallContext | undefined;
  /** Install the error handler that turns safety-breaker errors into problem+json (default true); other errors go to the previous handler. */
  errorHandler?: boolean;
  /** Serve the registry at `path` (default `/metrics`). */
  metrics?: { registry: Registry; path?: string };
}

/** What the plugin decorates the instance with. */
export interface SafetyBreakerDecorator {
  /** Maps a safety-breaker error to its problem response (for your own error handler). */
  problemFor(error: unknown): ProblemResponse | undefined;
  /** Sends a problem response on `reply`. */
  sendProblem(reply: FastifyReply, problem: ProblemResponse): FastifyReply;
}

declare module 'fastify' {
  interface FastifyInstance {
    safetyBreaker: SafetyBreakerDecorator;
  }
  interface FastifyRequest {
    /** The context guarded calls made for this request see (request id + `context(request)`). */
    breakerContext: CallContext | null;
  }
}

/** The async scope of each request, re-entered before validation (body parsing runs in the socket's scope). */
const scopes = new WeakMap<FastifyRequest, AsyncResource>();

function sendProblem(reply: FastifyReply, p: ProblemResponse): FastifyReply {
  // A Buffer, so Fastify sends the media type as given (it appends a charset to string payloads).
  return reply
    .code(p.status)
    .headers(p.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(Buffer.from(JSON.stringify(p.body)));
}

/** What Fastify's `register()` itself reads from a plugin's options (and may leave in them). */
const REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

const plugin: FastifyPluginAsync<SafetyBreakerPluginOptions> = async (fastify, options) => {
  parseOptions(
    onlyKeys('context', 'errorHandler', ['metrics', onlyKeys('registry', 'path')], ...REGISTER_OPTIONS),
    options,
    'safetyBreakerPlugin',
  );
  if (options.context !== undefined && typeof options.context !== 'function')
    throw new TypeError('safetyBreakerPlugin: option "context" must be a function (request) => context');
  const metrics = options.metrics;
  if (
    metrics !== undefined &&
    (typeof metrics !== 'object' || metrics === null || typeof metrics.registry?.metrics !== 'function')
  ) {
    throw new TypeError('safetyBreakerPlugin: option "metrics" must be { registry: a prom-client Registry, path? }');
  }
  const contextOf = options.context;

  fastify.decorate('safetyBreaker', { problemFor, sendProblem } satisfies SafetyBreakerDecorator);
  fastify.decorateRequest('breakerContext', null);

  // As @fastify/request-context does: enter the scope in onRequest and keep an AsyncResource to
  // re-enter it in preValidation, because handlers run from the body parser's 'end' event.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const extra = contextOf?.(request);
    const context: CallContext = extra ? { requestId: request.id, ...extra } : { requestId: request.id };
    request.breakerContext = context;
    runWithContext(context, () => {
      const scope = new AsyncResource('safety-breaker.request');
      scopes.set(request, scope);
      scope.runInAsyncScope(done, undefined);
    });
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const scope = scopes.get(request);
    if (scope) scope.runInAsyncScope(done, undefined);
    else done();
  });

  if (options.errorHandler !== false) {
    const previous = fastify.errorHandler;
    fastify.setErrorHandler(function safetyBreakerErrors(this: FastifyInstance, error, request, reply) {
      const p = problemFor(error);
      if (!p) return previous.call(this, error, request, reply);
      return sendProblem(reply, p);
    });
  }

  if (metrics) {
    const { registry } = metrics;
    fastify.get(metrics.path ?? '/metrics', async (_request, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    });
  }
};

/**
 * Sends a (guarded) stream as server-sent events on `reply` (which it hijacks): one event per
 * chunk, then `data: [DONE]`, also after the guard cut the stream. A client that disconnects stops
 * the stream (and the model). Return the promise from the handler.
 *
 * ```ts
 * fastify.post('/chat/stream', async (request, reply) => sse(reply, await chat({ ...request.body, stream: true })));
 * ```
 */
export function sse<Chunk>(reply: FastifyReply, stream: SseSource<Chunk>, options?: SseOptions<Chunk>): Promise<void> {
  reply.hijack();
  return writeSse(reply.raw, stream, options);
}

/** The plugin; register it on the root instance (it is not encapsulated). */
export const safetyBreakerPlugin = fp(plugin, { fastify: '5.x', name: 'safety-breaker' });

/** Options of the admin plugin: `authorize(request)` is required. */
export type SafetyBreakerAdminOptions = AdminOptions<FastifyRequest>;

const actors = new WeakMap<FastifyRequest, string>();

/**
 * The admin routes as an encapsulated plugin (its auth hook covers only its own routes). Register
 * it with a prefix: `app.register(safetyBreakerAdmin, { prefix: '/admin', breakers, authorize })`;
 * other methods and paths under the prefix then get the admin's 405 and 404 (without a prefix,
 * the app's not-found handler answers them). Registration fails without `authorize`. Routes as in the Express router: `GET /breakers`,
 * `GET /breakers/:name` (both also `HEAD`), `POST /breakers/:name/force-open|reset|shadow`; with
 * `incidents`, `GET /incidents`, `GET /incidents/:id`, `POST /incidents/:id/reports/:report`.
 */
export const safetyBreakerAdmin: FastifyPluginAsync<SafetyBreakerAdminOptions> = async (fastify, options) => {
  const core = createAdminCore(options, 'safetyBreakerAdmin', REGISTER_OPTIONS);
  fastify.addHook('onRequest', async (request, reply) => {
    const auth = await core.authorize(request);
    if ('actor' in auth) {
      actors.set(request, auth.actor);
      return;
    }
    return sendProblem(reply, auth);
  });
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const actor = actors.get(request);
    if (actor === undefined)
      return sendProblem(reply, {
        status: 403,
        headers: {},
        body: {
          type: 'urn:safety-breaker:error:SAFETY_BREAKER_ADMIN_FORBIDDEN',
          title: 'Forbidden',
          status: 403,
          detail: 'not authorised',
          code: 'SAFETY_BREAKER_ADMIN_FORBIDDEN',
        },
      });
    // The path below the prefix this plugin was registered with.
    const below = request.url.slice(fastify.prefix.length);
    const path = below.startsWith('/') ? below : `/${below}`;
    const result = core.handle(request.method, path, request.body, actor);
    return reply
      .code(result.status)
      .headers(result.headers)
      .send(Buffer.from(JSON.stringify(result.body)));
  };
  fastify.get('/breakers', handler);
  fastify.get('/breakers/:name', handler);
  fastify.post('/breakers/:name/:action', handler);
  fastify.get('/incidents', handler);
  fastify.get('/incidents/:id', handler);
  fastify.post('/incidents/:id/reports/:report', handler);
  // Every other method and path below the prefix goes to the admin logic too, behind the same
  // hook, so it answers 405 with `Allow` or 404 `…_NOT_FOUND` as the Express router does. Only
  // under a prefix of its own: without one, the not-found handler would be the app's (or that of
  // the plugin it was registered in) and take over 404s that are not the admin's.
  const ownPrefix = (options as { prefix?: unknown }).prefix;
  if (typeof ownPrefix === 'string' && ownPrefix.replace(/\/+$/, '') !== '') fastify.setNotFoundHandler(handler);
};

export default safetyBreakerPlugin;
