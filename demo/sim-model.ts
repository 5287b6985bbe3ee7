/**
 * A simulated OpenAI-compatible chat model: `POST /v1/chat/completions` on 127.0.0.1 (port 0),
 * in-process. Model `sim-primary` follows the demo's scenario (healthy, then toxic and slow
 * during the incident, then healthy again); `sim-fallback` is always healthy and quick.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BENIGN_REPLIES, FALLBACK_REPLIES, TOXIC_REPLIES } from './texts.js';

export const PRIMARY_MODEL = 'sim-primary';
export const FALLBACK_MODEL = 'sim-fallback';

/** How the primary behaves during the incident. */
export interface IncidentBehaviour {
  /** Share of replies that are toxic. */
  readonly toxicShare: number;
  /** Share of replies that are slow. */
  readonly slowShare: number;
  /** Latency of a slow reply, ms: [min, max). */
  readonly slowMs: readonly [number, number];
}

export interface SimModelOptions {
  /** True while the primary is in its incident. */
  readonly incident: () => boolean;
  readonly behaviour: IncidentBehaviour;
  /** Random numbers in [0, 1) (seeded, so a run is reproducible). */
  readonly random: () => number;
}

export interface SimModel {
  /** Base URL for the `openai` SDK, e.g. `http://127.0.0.1:40123/v1`. */
  readonly baseURL: string;
  /** Requests received per model. */
  readonly received: Record<string, number>;
  close(): Promise<void>;
}

/** Starts the simulated model server. */
export async function startSimModel(options: SimModelOptions): Promise<SimModel> {
  const { incident, behaviour, random } = options;
  const received: Record<string, number> = {};
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = ([min, max]: readonly [number, number]): number => min + random() * (max - min);

  function reply(model: string): { content: string; delayMs: number } {
    if (model === FALLBACK_MODEL) return { content: pick(FALLBACK_REPLIES), delayMs: between([40, 120]) };
    if (!incident()) return { content: pick(BENIGN_REPLIES), delayMs: between([30, 150]) };
    const content = random() < behaviour.toxicShare ? pick(TOXIC_REPLIES) : pick(BENIGN_REPLIES);
    return { content, delayMs: random() < behaviour.slowShare ? between(behaviour.slowMs) : between([30, 150]) };
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) =>
      send(res, 500, { error: { message: String(error), type: 'server_error' } }),
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions'))
      return send(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
    const body = JSON.parse(await readBody(req)) as { model?: unknown };
    const model = typeof body.model === 'string' ? body.model : PRIMARY_MODEL;
    received[model] = (received[model] ?? 0) + 1;
    const { content, delayMs } = reply(model);
    // The client may abort (the guard's timeout or the caller's signal): stop waiting then.
    const timer = setTimeout(() => send(res, 200, completion(model, content)), delayMs);
    res.on('close', () => clearTimeout(timer));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    received,
    close: () => closeServer(server),
  };
}

let ids = 0;

function completion(model: string, content: string) {
  return {
    id: `chatcmpl-sim-${++ids}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
    usage: {
      prompt_tokens: 12,
      completion_tokens: Math.ceil(content.length / 4),
      total_tokens: 12 + Math.ceil(content.length / 4),
    },
  };
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

export async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Closes a server and every keep-alive connection, so the process can exit. */
export function closeServer(server: import('node:http').Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
