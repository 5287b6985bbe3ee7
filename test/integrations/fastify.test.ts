import { createServer } from 'node:http';
import express from 'express';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { currentContext, guard, type CallContext, type HotPathDetector } from '../../src/index.js';
import { adminRouter } from '../../src/integrations/express.js';
import { safetyBreakerAdmin, safetyBreakerPlugin, type AdminAuthorization } from '../../src/integrations/fastify.js';
import { capturingLogger, httpClient, jitter, listen, sleep } from './helpers.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

async function start(app: FastifyInstance): Promise<string> {
  apps.push(app);
  return app.listen({ port: 0, host: '127.0.0.1', backlog: 2048 });
}

function contextProbe(): HotPathDetector & { mismatches: number; seen: number } {
  const d = {
    name: 'context-probe',
    mismatches: 0,
    seen: 0,
    detect(input: { output: unknown; context: CallContext }) {
      d.seen++;
      if ((input.output as { id: string }).id !== input.context.requestId) d.mismatches++;
      return { detector: 'context-probe', score: 0, flagged: false };
    },
  };
  return d;
}

describe('fastify integration', () => {
  it('gives every one of 1,000 interleaved concurrent requests its own context (JSON bodies, async handlers)', async () => {
    const probe = contextProbe();
    const chat = guard(
      async (req: { id: string; delay: number }) => {
        await sleep(req.delay);
        return { id: req.id, seenByModel: currentContext()?.requestId };
      },
      { name: 'chat', detectors: [probe], retry: false },
    );
    const app = Fastify({ requestIdHeader: 'x-request-id' });
    await app.register(safetyBreakerPlugin, { context: (req) => ({ tenant: req.headers['x-tenant'] }) });
    app.post('/chat', async (req: FastifyRequest<{ Body: { id: string; delay: number } }>) => {
      await sleep(req.body.delay);
      const out = await chat(req.body);
      return {
        ...out,
        seenByHandler: currentContext()?.requestId,
        tenant: currentContext()?.tenant,
        decorated: req.breakerContext?.requestId,
      };
    });
    const url = await start(app);
    const client = httpClient();
    const results = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const id = `req-${i}`;
        const res = await client.request(`${url}/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': id, 'x-tenant': `t${i % 5}` },
          body: JSON.stringify({ id, delay: jitter(i, 8) }),
        });
        return { i, id, status: res.status, body: JSON.parse(res.body) as Record<string, unknown> };
      }),
    );
    client.close();
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        id: r.id,
        seenByModel: r.id,
        seenByHandler: r.id,
        decorated: r.id,
        tenant: `t${r.i % 5}`,
      });
    }
    expect(probe.seen).toBe(1000);
    expect(probe.mismatches).toBe(0);
    chat.dispose();
  }, 60_000);

  it('answers an open breaker without fallback with 503, Retry-After matching the remaining open time, and problem+json', async () => {
    let now = 5_000_000;
    const chat = guard(
      async (_q: string): Promise<string> => {
        throw Object.assign(new Error('provider down'), { status: 503 });
      },
      {
        name: 'chat',
        detectors: [],
        retry: false,
        clock: () => now,
        trip: { policy: 'rate', threshold: 0.5, minimumCalls: 2 },
        recovery: { afterMs: 30_000 },
      },
    );
    await expect(chat('a')).rejects.toThrow();
    await expect(chat('b')).rejects.toThrow();
    now += 12_300; // 17.7 s left → 18

    const app = Fastify();
    await app.register(safetyBreakerPlugin);
    app.get('/chat', async () => chat('hello'));
    app.get('/other', async () => {
      throw Object.assign(new Error('teapot'), { statusCode: 418 });
    });
    const url = await start(app);
    const res = await fetch(`${url}/chat`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('18');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      status: 503,
      code: 'SAFETY_BREAKER_OPEN',
      breaker: 'chat',
      retryAfter: 18,
    });
    // Other errors keep Fastify's own handling.
    const other = await fetch(`${url}/other`);
    expect(other.status).toBe(418);
    expect(await other.json()).toMatchObject({ message: 'teapot' });
    chat.dispose();
  });

  it('serves metrics over HTTP', async () => {
    const registry = new Registry();
    const chat = guard(async (q: string) => `echo ${q}`, { name: 'chat', detectors: [], registry });
    await chat('x');
    const app = Fastify();
    await app.register(safetyBreakerPlugin, { metrics: { registry, path: '/internal/metrics' } });
    const url = await start(app);
    const res = await fetch(`${url}/internal/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    expect(await res.text()).toContain(
      'safety_breaker_calls_total{breaker="chat",route="primary",outcome="success"} 1',
    );
    chat.dispose();
  });

  it('refuses to register the admin plugin without authorize', async () => {
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const app = Fastify();
    apps.push(app);
    app.register(safetyBreakerAdmin, { prefix: '/admin', breakers: [chat] } as never);
    await expect(app.ready()).rejects.toThrow(/option "authorize" is required/);
  });

  it('names an unknown plugin option as guard() does instead of dropping it', async () => {
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const registry = new Registry();
    const authorize = (): AdminAuthorization => false;
    const refused = async (register: (app: FastifyInstance) => unknown, message: string) => {
      const app = Fastify();
      apps.push(app);
      register(app);
      const error = await app.ready().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(message);
    };
    await refused(
      (app) => app.register(safetyBreakerPlugin, { metrix: { registry } } as never),
      'safetyBreakerPlugin: unknown option "metrix" (did you mean "metrics"?)',
    );
    await refused(
      (app) => app.register(safetyBreakerPlugin, { metrics: { registry, pth: '/m' } } as never),
      'safetyBreakerPlugin: unknown option "metrics.pth" (did you mean "metrics.path"?)',
    );
    await refused(
      (app) => app.register(safetyBreakerAdmin, { prefix: '/admin', breakers: [chat], authorize, bogus: 1 } as never),
      'safetyBreakerAdmin: unknown option "bogus"',
    );
    // What Fastify's register() reads is not unknown.
    const app = Fastify();
    await app.register(safetyBreakerPlugin, { metrics: { registry, path: '/m' } });
    await app.register(safetyBreakerAdmin, { prefix: '/admin', logLevel: 'warn', breakers: [chat], authorize });
    await start(app);
    chat.dispose();
  });

  it('admin: 401/403 without authorisation, actions with an audit record, hook scoped to the admin routes', async () => {
    const { logger, records } = capturingLogger();
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const app = Fastify();
    await app.register(safetyBreakerPlugin);
    await app.register(safetyBreakerAdmin, {
      prefix: '/admin',
      breakers: [chat],
      logger,
      authorize: (req) =>
        !req.headers.authorization
          ? { deny: 401 }
          : req.headers.authorization === 'Bearer ok'
            ? { actor: 'oncall-bob' }
            : { deny: 403, reason: 'read-only token' },
    });
    app.get('/public', async () => ({ ok: true }));
    const url = await start(app);
    const post = (path: string, body: unknown, auth = 'Bearer ok') =>
      fetch(`${url}/admin${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify(body),
      });

    expect((await fetch(`${url}/public`)).status).toBe(200); // encapsulated: no auth outside /admin
    const anonymous = await fetch(`${url}/admin/breakers`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    const readOnly = await post('/breakers/chat/force-open', { reason: 'x' }, 'Bearer ro');
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ detail: 'read-only token' });
    expect(chat.state).toBe('closed');

    const stats = await fetch(`${url}/admin/breakers/chat`, { headers: { authorization: 'Bearer ok' } });
    expect(await stats.json()).toMatchObject({ name: 'chat', state: 'closed', mode: 'enforce' });
    expect((await post('/breakers/chat/force-open', { reason: '' })).status).toBe(400);
    const forced = await post('/breakers/chat/force-open', { reason: 'jailbreak wave, call 415-555-2671' });
    expect(forced.status).toBe(200);
    expect(chat.state).toBe('forced-open');
    expect((await post('/breakers/chat/shadow', { enabled: true, reason: 'observe only' })).status).toBe(200);
    expect(chat.mode).toBe('shadow');
    expect((await post('/breakers/chat/reset', { reason: 'mitigated' })).status).toBe(200);
    expect(chat.state).toBe('closed');

    const audits = records.filter((r) => r.audit === true);
    expect(audits.map((r) => [r.actor, r.action, r.reason])).toEqual([
      ['oncall-bob', 'force-open', 'jailbreak wave, call [REDACTED_PHONE]'],
      ['oncall-bob', 'shadow-on', 'observe only'],
      ['oncall-bob', 'reset', 'mitigated'],
    ]);
    chat.dispose();
  });

  it('admin: serves HEAD on the GET routes, refuses an ambiguous authorize answer, escapes control characters', async () => {
    const { logger, records } = capturingLogger();
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const app = Fastify();
    await app.register(safetyBreakerAdmin, {
      prefix: '/admin',
      breakers: [chat],
      logger,
      authorize: (req) =>
        (req.headers.authorization === 'Bearer ok'
          ? { actor: 'oncall-bob' }
          : { actor: 'eve', deny: 403 }) as unknown as AdminAuthorization,
    });
    const url = await start(app);
    const auth = { authorization: 'Bearer ok' };
    for (const path of ['/admin/breakers', '/admin/breakers/chat']) {
      const head = await fetch(`${url}${path}`, { method: 'HEAD', headers: auth });
      expect([path, head.status]).toEqual([path, 200]);
      expect(await head.text()).toBe('');
    }
    const post = (body: unknown, headers: Record<string, string> = auth) =>
      fetch(`${url}/admin/breakers/chat/force-open`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await post({ reason: 'drill' }, {})).status).toBe(403);
    expect(chat.state).toBe('closed');
    expect((await post({ reason: 'ok\u001b[31m red\r\nforged' })).status).toBe(200);
    const audit = records.find((r) => r.audit === true && r.action === 'force-open')!;
    expect(audit.reason).toBe('ok\\u001b[31m red\\u000d\\u000aforged');
    expect(chat.stats().lastTransition?.reason).toBe('ok\\u001b[31m red\\u000d\\u000aforged (by oncall-bob)');
    chat.dispose();
  });

  it('admin: answers other methods and paths under its prefix as the Express router does; the app keeps its 404s', async () => {
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const authorize = (req: { headers: Record<string, unknown> }): AdminAuthorization =>
      req.headers.authorization === 'Bearer ok' ? { actor: 'alice' } : { deny: 401 };
    const app = Fastify();
    await app.register(safetyBreakerAdmin, { prefix: '/admin', breakers: [chat], authorize });
    app.get('/public', async () => ({ ok: true }));
    const fastifyUrl = await start(app);
    const expressApp = express();
    expressApp.use('/admin', adminRouter({ breakers: [chat], authorize }));
    const { url: expressUrl, close } = await listen(createServer(expressApp));

    const auth = { authorization: 'Bearer ok' };
    const cases: [method: string, path: string, headers: Record<string, string>, status: number, code: string][] = [
      ['PUT', '/admin/breakers/chat', auth, 405, 'SAFETY_BREAKER_ADMIN_METHOD_NOT_ALLOWED'],
      ['DELETE', '/admin/breakers', auth, 405, 'SAFETY_BREAKER_ADMIN_METHOD_NOT_ALLOWED'],
      ['GET', '/admin/breakers/chat/force-open', auth, 405, 'SAFETY_BREAKER_ADMIN_METHOD_NOT_ALLOWED'],
      ['GET', '/admin/breakers/x/force-open', auth, 404, 'SAFETY_BREAKER_ADMIN_UNKNOWN_BREAKER'],
      ['GET', '/admin/breakers/chat/force-open/now', auth, 404, 'SAFETY_BREAKER_ADMIN_NOT_FOUND'],
      ['GET', '/admin/nothing-here', auth, 404, 'SAFETY_BREAKER_ADMIN_NOT_FOUND'],
      ['POST', '/admin/incidents', auth, 404, 'SAFETY_BREAKER_ADMIN_NOT_FOUND'], // no incident log given
      ['PUT', '/admin/breakers/chat', {}, 401, 'SAFETY_BREAKER_ADMIN_UNAUTHORIZED'], // the auth hook covers them
    ];
    try {
      for (const [method, path, headers, status, code] of cases) {
        const answers = await Promise.all(
          [fastifyUrl, expressUrl].map(async (base) => {
            const res = await fetch(`${base}${path}`, { method, headers });
            return {
              status: res.status,
              type: res.headers.get('content-type'),
              allow: res.headers.get('allow'),
              code: ((await res.json()) as { code?: string }).code,
            };
          }),
        );
        expect([method, path, answers[0]]).toEqual([method, path, answers[1]]);
        expect([method, path, answers[0]]).toMatchObject([
          method,
          path,
          { status, code, type: 'application/problem+json' },
        ]);
      }
      const put = await fetch(`${fastifyUrl}/admin/breakers/chat`, { method: 'PUT', headers: auth });
      expect(put.headers.get('allow')).toBe('GET, HEAD');
      expect(chat.state).toBe('closed');
      // Outside the prefix, not found is the app's own answer, with no admin authorisation.
      const elsewhere = await fetch(`${fastifyUrl}/nothing-here`, { method: 'PUT' });
      expect(elsewhere.status).toBe(404);
      expect(await elsewhere.json()).toMatchObject({ message: 'Route PUT:/nothing-here not found' });
      expect((await fetch(`${fastifyUrl}/public`)).status).toBe(200);
      // Registered without a prefix of its own inside a prefixed plugin: that plugin's 404s stay its own.
      const nested = Fastify();
      await nested.register(
        async (api) => {
          await api.register(safetyBreakerAdmin, { breakers: [chat], authorize });
        },
        { prefix: '/api' },
      );
      const nestedUrl = await start(nested);
      const served = await fetch(`${nestedUrl}/api/breakers`, { headers: auth });
      expect(served.status).toBe(200);
      const notAdmin = await fetch(`${nestedUrl}/api/nothing-here`);
      expect(notAdmin.status).toBe(404);
      expect(await notAdmin.json()).toMatchObject({ message: 'Route GET:/api/nothing-here not found' });
    } finally {
      await close();
      chat.dispose();
    }
  });
});
