/**
 * A tiny OpenAI-compatible chat model for the example, so it runs without an API key:
 * `POST /v1/chat/completions` answers politely, except that the primary model answers a prompt
 * containing "#misbehave" with an insult (so you can watch the breaker block and trip).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const PRIMARY_MODEL = 'sim-primary';
export const BACKUP_MODEL = 'sim-backup';

interface ChatBody {
  model?: string;
  messages?: { role: string; content: unknown }[];
}

function reply(model: string, prompt: string): string {
  if (model === PRIMARY_MODEL && prompt.includes('#misbehave')) return 'You are a worthless idiot and I hate you.';
  return `(${model}) Happy to help with: ${prompt.slice(0, 80)}`;
}

async function readJson(req: IncomingMessage): Promise<ChatBody> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return JSON.parse(text || '{}') as ChatBody;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Starts the simulated model on 127.0.0.1 (port 0 unless given); `url` is the OpenAI base URL. */
export async function startSimulatedModel(port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  let id = 0;
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return send(res, 404, { error: { message: 'not found' } });
    readJson(req).then(
      (body) => {
        const model = body.model ?? PRIMARY_MODEL;
        const prompt = String(body.messages?.at(-1)?.content ?? '');
        const content = reply(model, prompt);
        send(res, 200, {
          id: `chatcmpl-sim-${++id}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [
            { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
          ],
          usage: {
            prompt_tokens: Math.ceil(prompt.length / 4),
            completion_tokens: Math.ceil(content.length / 4),
            total_tokens: Math.ceil((prompt.length + content.length) / 4),
          },
        });
      },
      () => send(res, 400, { error: { message: 'invalid JSON' } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
