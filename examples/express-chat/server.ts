/**
 * Express chat example: one guarded chat endpoint with a fallback model, request context,
 * 503 + Retry-After when the breaker is open, metrics, and authorised admin routes.
 *
 *   npx tsx examples/express-chat/server.ts            # embedded simulated model
 *   OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=sk-… PRIMARY_MODEL=gpt-4o-mini BACKUP_MODEL=gpt-4.1-mini npx tsx examples/express-chat/server.ts
 *
 * In your app, import from 'safety-breaker' and 'safety-breaker/express' instead of ../../src.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import pino from 'pino';
import { Registry } from 'prom-client';
import { callSignal, currentContext, guard } from '../../src/index.js';
import { adminRouter, breakerErrorHandler, metricsHandler, safetyBreaker } from '../../src/integrations/express.js';
import { BACKUP_MODEL, PRIMARY_MODEL, startSimulatedModel } from './simulated-model.js';

export interface ExampleOptions {
  port?: number;
  /** An OpenAI-compatible base URL; default `OPENAI_BASE_URL`, else the embedded simulated model. */
  baseURL?: string;
  /** Bearer token of the admin routes; default `ADMIN_TOKEN` or `change-me`. */
  adminToken?: string;
  logger?: pino.Logger;
}

export async function startExpressChat(
  options: ExampleOptions = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const logger = options.logger ?? pino({ name: 'express-chat' });
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
      logger,
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

  const app = express();
  app.use(express.json());
  app.use(safetyBreaker({ context: (req) => ({ tenant: req.get('x-tenant') ?? 'default' }) }));
  app.post('/chat', async (req, res) => {
    const message = typeof req.body?.message === 'string' ? req.body.message : '';
    if (!message) {
      res.status(400).json({ error: 'send { "message": "…" }' });
      return;
    }
    const completion = await chat({ model: primaryModel, messages: [{ role: 'user', content: message }] });
    res.json({
      reply: completion.choices[0]?.message.content ?? '',
      model: completion.model,
      requestId: currentContext()?.requestId,
    });
  });
  app.get('/metrics', metricsHandler(registry));
  app.use(
    '/admin',
    adminRouter({
      breakers: [chat],
      logger,
      authorize: (req) => {
        const auth = req.get('authorization');
        if (!auth) return { deny: 401 };
        return auth === `Bearer ${adminToken}` ? { actor: req.get('x-actor') ?? 'admin' } : { deny: 403 };
      },
    }),
  );
  app.use(breakerErrorHandler());

  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      chat.dispose();
      await sim?.close();
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await startExpressChat({ port: Number(process.env.PORT ?? 3000) });
  console.log(
    `express-chat on ${url}: POST /chat {"message":"hi"} · GET /metrics · /admin/breakers (Bearer ${process.env.ADMIN_TOKEN ?? 'change-me'})`,
  );
}
