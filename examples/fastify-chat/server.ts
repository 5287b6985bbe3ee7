/**
 * Fastify chat example: one guarded chat endpoint with a fallback model, request context via the
 * plugin, 503 + Retry-After when the breaker is open, metrics, and the authorised admin plugin.
 *
 *   npx tsx examples/fastify-chat/server.ts            # embedded simulated model
 *   OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=sk-… PRIMARY_MODEL=gpt-4o-mini BACKUP_MODEL=gpt-4.1-mini npx tsx examples/fastify-chat/server.ts
 *
 * In your app, import from 'safety-breaker' and 'safety-breaker/fastify' instead of ../../src.
 */
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyRequest } from 'fastify';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { Registry } from 'prom-client';
import { callSignal, currentContext, guard } from '../../src/index.js';
import { safetyBreakerAdmin, safetyBreakerPlugin } from '../../src/integrations/fastify.js';
import { BACKUP_MODEL, PRIMARY_MODEL, startSimulatedModel } from './simulated-model.js';

export interface ExampleOptions {
  port?: number;
  /** An OpenAI-compatible base URL; default `OPENAI_BASE_URL`, else the embedded simulated model. */
  baseURL?: string;
  /** Bearer token of the admin routes; default `ADMIN_TOKEN` or `change-me`. */
  adminToken?: string;
  /** Fastify's logger option (default true: pino at info). */
  logger?: boolean;
}

export async function startFastifyChat(
  options: ExampleOptions = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify({ logger: options.logger ?? true, requestIdHeader: 'x-request-id' });
  const baseURL = options.baseURL ?? process.env.OPENAI_BASE_URL;
  const sim = baseURL ? undefined : await startSimulatedModel();
  const openai = new OpenAI({
    baseURL: baseURL ?? sim!.url,
    apiKey: process.env.OPENAI_API_KEY ?? 'sim-key',
    maxRetries: 0,
  });
  const primaryModel = process.env.PRIMARY_MODEL ?? PRIMARY_MODEL;
  const backupModel = process.env.BACKUP_MODEL ?? BACKUP_MODEL;
  const adminToken = options.adminToken ?? process.env.ADMIN_TOKEN ?? 'change-me';

  const registry = new Registry();
  const chat = guard(
    (req: ChatCompletionCreateParamsNonStreaming) => openai.chat.completions.create(req, { signal: callSignal() }),
    {
      name: 'chat',
      registry,
      logger: app.log,
      fallbacks: [
        {
          name: 'backup',
          run: (req: ChatCompletionCreateParamsNonStreaming) =>
            openai.chat.completions.create({ ...req, model: backupModel }, { signal: callSignal() }),
        },
      ],
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 4, window: { kind: 'count', size: 20 } },
    },
  );

  await app.register(safetyBreakerPlugin, {
    context: (req) => ({ tenant: req.headers['x-tenant'] ?? 'default' }),
    metrics: { registry },
  });
  await app.register(safetyBreakerAdmin, {
    prefix: '/admin',
    breakers: [chat],
    logger: app.log,
    authorize: (req) => {
      const auth = req.headers.authorization;
      if (!auth) return { deny: 401 };
      return auth === `Bearer ${adminToken}` ? { actor: String(req.headers['x-actor'] ?? 'admin') } : { deny: 403 };
    },
  });
  app.post('/chat', {
    schema: {
      body: { type: 'object', required: ['message'], properties: { message: { type: 'string', minLength: 1 } } },
    },
    handler: async (req: FastifyRequest<{ Body: { message: string } }>) => {
      const completion = await chat({ model: primaryModel, messages: [{ role: 'user', content: req.body.message }] });
      return {
        reply: completion.choices[0]?.message.content ?? '',
        model: completion.model,
        requestId: currentContext()?.requestId,
      };
    },
  });
  app.addHook('onClose', async () => {
    chat.dispose();
    await sim?.close();
  });

  const url = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await startFastifyChat({ port: Number(process.env.PORT ?? 3000) });
  console.log(
    `fastify-chat on ${url}: POST /chat {"message":"hi"} · GET /metrics · /admin/breakers (Bearer ${process.env.ADMIN_TOKEN ?? 'change-me'})`,
  );
}
