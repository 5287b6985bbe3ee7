import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startExpressChat } from '../../examples/express-chat/server.js';
import { startFastifyChat } from '../../examples/fastify-chat/server.js';
import { guard } from '../../src/index.js';
import { adminRouter } from '../../src/integrations/express.js';
import { safetyBreakerAdmin } from '../../src/integrations/fastify.js';
import { listen } from './helpers.js';

// The examples run against their embedded simulated model through the real openai SDK.
const examples = [
  ['express-chat', () => startExpressChat({ logger: pino({ level: 'silent' }), adminToken: 't0ken' })],
  ['fastify-chat', () => startFastifyChat({ logger: false, adminToken: 't0ken' })],
] as const;

describe.each(examples)('%s example', (_name, start) => {
  it('chats, replaces a blocked reply with the backup model, serves metrics and guards its admin routes', async () => {
    const { url, close } = await start();
    try {
      const chat = (message: string) =>
        fetch(`${url}/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'demo-1' },
          body: JSON.stringify({ message }),
        });
      const ok = await chat('hello');
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        model: 'sim-primary',
        reply: '(sim-primary) Happy to help with: hello',
        requestId: 'demo-1',
      });
      const blocked = await chat('#misbehave now');
      expect(await blocked.json()).toMatchObject({ model: 'sim-backup' });

      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain(
        'safety_breaker_blocked_outputs_total{breaker="chat",route="primary",detector="toxicity"} 1',
      );
      expect((await fetch(`${url}/admin/breakers`)).status).toBe(401);
      const forced = await fetch(`${url}/admin/breakers/chat/force-open`, {
        method: 'POST',
        headers: { authorization: 'Bearer t0ken', 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'drill' }),
      });
      expect(forced.status).toBe(200);
      // Forced open: the backup model serves.
      expect(await (await chat('hello')).json()).toMatchObject({ model: 'sim-backup' });
    } finally {
      await close();
    }
  });
});

/** The admin router's mount path and the full admin URLs a page documents. */
function documentedAdmin(page: string): { express: string[]; fastify: string[]; paths: [string, string][] } {
  const text = readFileSync(page, 'utf8');
  return {
    express: [...text.matchAll(/app\.use\('([^']+)',\s*adminRouter\(/g)].map((m) => m[1]!),
    fastify: [...text.matchAll(/register\(safetyBreakerAdmin,\s*\{\s*prefix:\s*'([^']+)'/g)].map((m) => m[1]!),
    paths: [
      ...[...text.matchAll(/`(GET|HEAD|POST) (\/admin\/[^`\s]*)`/g)].map((m): [string, string] => [m[1]!, m[2]!]),
      ...[...text.matchAll(/curl -s( -XPOST)? localhost:\d+(\/admin\/[^\s']*)/g)].map((m): [string, string] => [
        m[1] ? 'POST' : 'GET',
        m[2]!,
      ]),
    ],
  };
}

const authorize = () => ({ actor: 'docs' });

/** Requests each documented admin URL (`:name` → chat) and returns the statuses. */
async function statuses(url: string, paths: readonly [string, string][], headers: Record<string, string> = {}) {
  const out: [string, number][] = [];
  for (const [method, path] of paths) {
    const res = await fetch(`${url}${path.replace(':name', 'chat')}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(method === 'POST' && { body: JSON.stringify({ reason: 'docs check', enabled: false }) }),
    });
    out.push([`${method} ${path}`, res.status]);
  }
  return out;
}

describe.each(['README.md', 'docs/integrations.md'])('the admin URLs %s documents', (page) => {
  it('answer on an app that mounts the admin routes as the page shows', async () => {
    const doc = documentedAdmin(page);
    expect(doc.express.length + doc.fastify.length, 'the page mounts the admin routes').toBeGreaterThan(0);
    expect(doc.paths.length, 'the page lists the admin URLs it gives').toBeGreaterThan(0);
    const ok = doc.paths.map(([m, p]): [string, number] => [`${m} ${p}`, 200]);
    for (const prefix of doc.express) {
      const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
      const app = express();
      app.use(express.json());
      app.use(prefix, adminRouter({ breakers: [chat], authorize }));
      const { url, close } = await listen(createServer(app));
      try {
        expect(await statuses(url, doc.paths)).toEqual(ok);
      } finally {
        await close();
        chat.dispose();
      }
    }
    for (const prefix of doc.fastify) {
      const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
      const app = Fastify();
      await app.register(safetyBreakerAdmin, { prefix, breakers: [chat], authorize });
      try {
        expect(await statuses(await app.listen({ port: 0, host: '127.0.0.1' }), doc.paths)).toEqual(ok);
      } finally {
        await app.close();
        chat.dispose();
      }
    }
  });
});

describe.each(examples)('the admin URLs the %s README documents', (name, start) => {
  it('answer on the running example', async () => {
    const { paths } = documentedAdmin(`examples/${name}/README.md`);
    expect(paths.length).toBeGreaterThan(0);
    const { url, close } = await start();
    try {
      expect(await statuses(url, paths, { authorization: 'Bearer t0ken' })).toEqual(
        paths.map(([m, p]): [string, number] => [`${m} ${p}`, 200]),
      );
    } finally {
      await close();
    }
  });
});
