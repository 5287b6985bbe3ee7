/** Server-sent events from real Express and Fastify servers on loopback: guarded streams, cuts, disconnects. */
import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { guard } from '../../src/index.js';
import { toxicity } from '../../src/detectors/toxicity/index.js';
import { sse as expressSse } from '../../src/integrations/express.js';
import { sse as fastifySse } from '../../src/integrations/fastify.js';
import { listen, sleep } from './helpers.js';

const TOXIC = 'Here is the plan for today, step by step. You are a worthless idiot and I hate you. Then we ship.';
const BENIGN = 'Here is the plan for today, step by step. We write the tests first. Then we ship.';

interface Model {
  /** Set when the model's stream was stopped or finished (its generator's `finally` ran). */
  released: boolean;
}

function chatGuard(model: Model, options: { fallback?: boolean; delayMs?: number; failAt?: number } = {}) {
  async function* primary(text: string) {
    try {
      for (let i = 0; i < text.length; i += 5) {
        if (options.delayMs) await sleep(options.delayMs);
        if (options.failAt !== undefined && i >= options.failAt) throw new Error('upstream reset');
        yield text.slice(i, i + 5);
      }
    } finally {
      model.released = true;
    }
  }
  return guard(async (text: string) => primary(text), {
    name: 'sse',
    detectors: [toxicity()],
    fallbacks: options.fallback ? [async () => primary(' Let me put that better: ship after the tests.')] : [],
    stream: { onCut: options.fallback ? 'fallback' : 'end', message: ' [withheld]', holdBack: 0 },
    retry: false,
  });
}

type Chat = ReturnType<typeof chatGuard>;

const servers = {
  express: async (chat: Chat) => {
    const app = express();
    app.get('/chat', async (req, res) =>
      expressSse(res, await chat(String(req.query.q)), { data: (c) => JSON.stringify({ text: c }) }),
    );
    return listen(createServer(app));
  },
  fastify: async (chat: Chat) => {
    const app = Fastify();
    app.get<{ Querystring: { q: string } }>('/chat', async (request, reply) =>
      fastifySse(reply, await chat(request.query.q), { data: (c) => JSON.stringify({ text: c }) }),
    );
    await app.ready();
    return listen(app.server);
  },
};

/** The events of an SSE body: [event name, data]. */
function events(body: string): [string, string][] {
  return body
    .split('\n\n')
    .filter((e) => e.trim() !== '')
    .map((e) => {
      const lines = e.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      return [
        event,
        lines
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n'),
      ];
    });
}

const texts = (evs: [string, string][]): string =>
  evs
    .filter(([e, d]) => e === 'message' && d !== '[DONE]')
    .map(([, d]) => (JSON.parse(d) as { text: string }).text)
    .join('');

describe.each(Object.entries(servers))('%s: a guarded stream as server-sent events', (_name, serve) => {
  it('streams a benign answer, event by event, and ends with [DONE]', async () => {
    const model = { released: false };
    const { url, close } = await serve(chatGuard(model));
    try {
      const res = await fetch(`${url}/chat?q=${encodeURIComponent(BENIGN)}`);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const evs = events(await res.text());
      expect(texts(evs)).toBe(BENIGN);
      expect(evs.length).toBeGreaterThan(5);
      expect(evs.at(-1)).toEqual(['message', '[DONE]']);
    } finally {
      await close();
    }
  });

  it('a cut mid-stream ends the response cleanly: the safe message, then [DONE]; nothing blocked is sent', async () => {
    const model = { released: false };
    const { url, close } = await serve(chatGuard(model));
    try {
      const evs = events(await (await fetch(`${url}/chat?q=${encodeURIComponent(TOXIC)}`)).text());
      const text = texts(evs);
      expect(text.endsWith(' [withheld]')).toBe(true);
      expect(text).not.toMatch(/worthless|idiot/);
      expect(evs.at(-1)).toEqual(['message', '[DONE]']);
      expect(model.released).toBe(true);
    } finally {
      await close();
    }
  });

  it('a cut continues on the fallback in the same response', async () => {
    const model = { released: false };
    const { url, close } = await serve(chatGuard(model, { fallback: true }));
    try {
      const evs = events(await (await fetch(`${url}/chat?q=${encodeURIComponent(TOXIC)}`)).text());
      const text = texts(evs);
      expect(text.endsWith(' Let me put that better: ship after the tests.')).toBe(true);
      expect(text).not.toMatch(/worthless|idiot/);
      expect(evs.at(-1)).toEqual(['message', '[DONE]']);
    } finally {
      await close();
    }
  });

  it('a provider error part-way with no fallback ends with an error event', async () => {
    const model = { released: false };
    const { url, close } = await serve(chatGuard(model, { failAt: 20 }));
    try {
      const evs = events(await (await fetch(`${url}/chat?q=${encodeURIComponent(BENIGN)}`)).text());
      expect(evs.at(-1)![0]).toBe('error');
      expect(texts(evs)).toBe(BENIGN.slice(0, 20));
    } finally {
      await close();
    }
  });

  it('a client that disconnects releases the model, and the answer is counted once', async () => {
    const model = { released: false };
    const chat = chatGuard(model, { delayMs: 5 });
    const { url, close } = await serve(chat);
    try {
      const abort = new AbortController();
      const res = await fetch(`${url}/chat?q=${encodeURIComponent(BENIGN.repeat(20))}`, { signal: abort.signal });
      const reader = res.body!.getReader();
      await reader.read();
      abort.abort();
      for (let i = 0; i < 100 && !model.released; i++) await sleep(5);
      expect(model.released).toBe(true);
      expect(chat.stats().calls).toMatchObject({ total: 1, failed: 0, blocked: 0 });
      expect(chat.stats().policies[0]!.calls).toBe(1);
    } finally {
      await close();
    }
  });
});
