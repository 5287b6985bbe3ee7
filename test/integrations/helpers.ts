import { Agent, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';

/** Listens on 127.0.0.1, port 0; returns the base URL and a close function. */
export async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep backlog: the concurrency test opens 1,000 connections at once.
    server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A real pino logger whose records land in an array. */
export function capturingLogger(): { logger: pino.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A deterministic pseudo-random delay in [0, max) ms for request i, so interleaving is reproducible. */
export const jitter = (i: number, max: number): number => ((i * 7919) % 97) % max;

/**
 * Many concurrent requests over real sockets. node:http with a keep-alive agent of unlimited
 * sockets: every request is in flight at once, at a third of fetch()'s client-side cost.
 */
export function httpClient(): {
  request: (
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string },
  ) => Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>;
  close: () => void;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  return {
    request: (url, init) =>
      new Promise((resolve, reject) => {
        const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(init.body);
      }),
    close: () => agent.destroy(),
  };
}
