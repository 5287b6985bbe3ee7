/**
 * Streaming chat example: an Express endpoint that streams a guarded OpenAI chat completion to the
 * browser as server-sent events. The toxicity detector reads every chunk as it arrives; text is
 * held back 64 characters, so an abusive sentence is cut before any of it is sent, and the backup
 * model continues the answer from what the client already saw.
 *
 *   npx tsx examples/streaming-chat/server.ts          # embedded simulated streaming model
 *   OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=sk-… PRIMARY_MODEL=gpt-4o-mini BACKUP_MODEL=gpt-4.1-mini npx tsx examples/streaming-chat/server.ts
 *
 * In your app, import from 'safety-breaker', 'safety-breaker/toxicity' and 'safety-breaker/express' instead of ../../src.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { callSignal, guard } from '../../src/index.js';
import { toxicity } from '../../src/detectors/toxicity/index.js';
import { breakerErrorHandler, safetyBreaker, sse } from '../../src/integrations/express.js';
import { BACKUP_MODEL, PRIMARY_MODEL, startStreamingModel } from './simulated-model.js';

export async function startStreamingChat(
  options: { port?: number; baseURL?: string; delayMs?: number } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const baseURL = options.baseURL ?? process.env.OPENAI_BASE_URL;
  const sim = baseURL ? undefined : await startStreamingModel({ delayMs: options.delayMs });
  const openai = new OpenAI({
    baseURL: baseURL ?? sim!.url,
    apiKey: process.env.OPENAI_API_KEY ?? 'sim-key',
    maxRetries: 0,
  });
  const primaryModel = process.env.PRIMARY_MODEL ?? PRIMARY_MODEL;
  const backupModel = process.env.BACKUP_MODEL ?? BACKUP_MODEL;

  const chat = guard(
    (req: ChatCompletionCreateParamsStreaming) => openai.chat.completions.create(req, { signal: callSignal() }),
    {
      name: 'chat-stream',
      detectors: [toxicity()],
      fallbacks: [
        {
          name: 'backup',
          // Gets the request plus the text already shown as an assistant message (docs/streaming.md).
          run: (req: ChatCompletionCreateParamsStreaming) =>
            openai.chat.completions.create({ ...req, model: backupModel }, { signal: callSignal() }),
        },
      ],
      stream: { holdBack: 64, onCut: 'fallback' },
    },
  );

  const app = express();
  app.use(express.json());
  app.use(safetyBreaker());
  app.post('/chat/stream', async (req, res) => {
    const message = typeof req.body?.message === 'string' ? req.body.message : '';
    if (!message) {
      res.status(400).json({ error: 'send { "message": "…" }' });
      return;
    }
    const stream = await chat({ model: primaryModel, messages: [{ role: 'user', content: message }], stream: true });
    // One event per chunk: the text and, on the last one, why it finished (`content_filter` after a cut with no fallback).
    await sse(res, stream, {
      data: (chunk) => {
        const choice = chunk.choices[0];
        if (!choice?.delta.content && !choice?.finish_reason) return undefined;
        return JSON.stringify({ text: choice.delta.content ?? '', model: chunk.model, finish: choice.finish_reason });
      },
    });
  });
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
  const { url } = await startStreamingChat({ port: Number(process.env.PORT ?? 3000) });
  console.log(`streaming-chat on ${url}: POST /chat/stream {"message":"hi"} (add #misbehave to see a cut)`);
}
