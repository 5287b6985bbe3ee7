/**
 * The guarded endpoint: `POST /chat` `{ "prompt": "…" }` answers through the guarded model call;
 * `GET /metrics` serves the app's prom-client registry. Loopback only (127.0.0.1, port 0).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { isBreakerOpenError, isOutputBlockedError } from '../src/index.js';
import { closeServer, readBody, send } from './sim-model.js';

export interface ChatReply {
  readonly reply: string;
  /** The model that answered (`completion.model`). */
  readonly model: string;
}

export interface Endpoint {
  readonly chatUrl: string;
  readonly metricsUrl: string;
  close(): Promise<void>;
}

export async function startEndpoint(
  chat: (prompt: string) => Promise<ChatReply>,
  registry: Registry,
): Promise<Endpoint> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/metrics') {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(await registry.metrics());
        return;
      }
      if (req.method !== 'POST' || req.url !== '/chat') return send(res, 404, { error: 'not found' });
      let prompt: unknown;
      try {
        prompt = (JSON.parse(await readBody(req)) as { prompt?: unknown }).prompt;
      } catch {
        return send(res, 400, { error: 'body must be JSON: { "prompt": "…" }' });
      }
      if (typeof prompt !== 'string' || prompt === '')
        return send(res, 400, { error: '"prompt" must be a non-empty string' });
      try {
        send(res, 200, await chat(prompt));
      } catch (error) {
        if (isBreakerOpenError(error)) {
          res.setHeader('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
          return send(res, 503, { error: error.message });
        }
        send(res, isOutputBlockedError(error) ? 503 : 502, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    })().catch((error: unknown) => send(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    chatUrl: `http://127.0.0.1:${port}/chat`,
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    close: () => closeServer(server),
  };
}
