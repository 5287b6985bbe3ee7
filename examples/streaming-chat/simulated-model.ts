/**
 * A tiny OpenAI-compatible streaming chat model, so the example runs without an API key:
 * `POST /v1/chat/completions` with `stream: true` sends the answer word by word as server-sent
 * events. The primary model turns abusive part-way when the prompt contains "#misbehave"; the
 * backup model, given the answer so far as an assistant message, continues it politely.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const PRIMARY_MODEL = 'sim-primary';
export const BACKUP_MODEL = 'sim-backup';

interface ChatBody {
  model?: string;
  messages?: { role: string; content: unknown }[];
}

function answer(model: string, body: ChatBody): string {
  const messages = body.messages ?? [];
  const last = messages.at(-1);
  if (model === BACKUP_MODEL && last?.role === 'assistant')
    return ' Let me put that differently: open Settings, then Privacy, and switch the toggle off.';
  const prompt = String(messages.findLast((m) => m.role === 'user')?.content ?? '');
  const steps = 'Sure, let me walk you through it. First, open the Settings page of the app.';
  if (model === PRIMARY_MODEL && prompt.includes('#misbehave'))
    return `${steps} Honestly, you are a worthless idiot and I hate you. Then switch the toggle off.`;
  return `(${model}) ${steps} Then open Privacy and switch the toggle off.`;
}

async function readJson(req: IncomingMessage): Promise<ChatBody> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return JSON.parse(text || '{}') as ChatBody;
}

/** Sends `content` as chat.completion.chunk events, one word each `delayMs`; stops when the client goes away. */
async function stream(res: ServerResponse, model: string, content: string, id: number, delayMs: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({
      id: `chatcmpl-sim-${id}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    })}\n\n`;
  let open = true;
  res.on('close', () => (open = false));
  res.write(chunk({ role: 'assistant', content: '' }, null));
  for (const word of content.match(/\s*\S+/g) ?? []) {
    await new Promise((r) => setTimeout(r, delayMs));
    if (!open) return; // the client (the guard) stopped reading: stop generating
    res.write(chunk({ content: word }, null));
  }
  res.end(`${chunk({}, 'stop')}data: [DONE]\n\n`);
}

/** Starts the simulated model on 127.0.0.1 (port 0 unless given); `url` is the OpenAI base URL. */
export async function startStreamingModel(
  options: { port?: number; delayMs?: number } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  let id = 0;
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    readJson(req).then(
      (body) => {
        const model = body.model ?? PRIMARY_MODEL;
        void stream(res, model, answer(model, body), ++id, options.delayMs ?? 15);
      },
      () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'invalid JSON' } }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
