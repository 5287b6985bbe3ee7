import { createServer } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { currentContext, guard, type CallContext, type HotPathDetector } from '../../src/index.js';
import {
  adminRouter,
  breakerErrorHandler,
  metricsHandler,
  safetyBreaker,
  type AdminAuthorization,
} from '../../src/integrations/express.js';
import { capturingLogger, httpClient, jitter, listen, sleep } from './helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function serve(app: express.Express): Promise<string> {
  const { url, close } = await listen(createServer(app));
  closers.push(close);
  return url;
}

/** A detector that records, for every output, whether the context it saw belongs to the request that produced the output. */
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

describe('express integration', () => {
  it('gives every one of 1,000 interleaved concurrent requests its own context, with the body parser before or after the middleware', async () => {
    // The recommended order (body parser first) with 1,000 requests; the other order with 250, to prove it works too.
    for (const [order, count] of [
      ['json-first', 1000],
      ['context-first', 250],
    ] as const) {
      const probe = contextProbe();
      const chat = guard(
        async (req: { id: string; delay: number }) => {
          await sleep(req.delay);
          // The model call sees the request's context too.
          return { id: req.id, seenByModel: currentContext()?.requestId, text: 'fine' };
        },
        { name: 'chat', detectors: [probe], retry: false },
      );
      const app = express();
      const ctx = safetyBreaker({ context: (req) => ({ tenant: req.get('x-tenant') }) });
      if (order === 'json-first') app.use(express.json(), ctx);
      else app.use(ctx, express.json());
      app.post('/chat', async (req, res) => {
        await sleep(Number(req.body.delay));
        const out = await chat({ id: String(req.body.id), delay: Number(req.body.delay) });
        res.json({ ...out, seenByHandler: currentContext()?.requestId, tenant: currentContext()?.tenant });
      });
      const url = await serve(app);

      const client = httpClient();
      const results = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const id = `req-${order}-${i}`;
          const res = await client.request(`${url}/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': id, 'x-tenant': `t${i % 7}` },
            body: JSON.stringify({ id, delay: jitter(i, 8) }),
          });
          return {
            i,
            id,
            status: res.status,
            echoed: res.headers['x-request-id'],
            body: JSON.parse(res.body) as Record<string, unknown>,
          };
        }),
      );
      client.close();
      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.echoed).toBe(r.id);
        expect(r.body).toMatchObject({ id: r.id, seenByModel: r.id, seenByHandler: r.id, tenant: `t${r.i % 7}` });
      }
      expect(probe.seen).toBe(count);
      expect(probe.mismatches).toBe(0);
      chat.dispose();
      await closers.pop()!();
    }
  }, 60_000);

  it('generates a request id when the header is missing or not sane', async () => {
    const app = express();
    app.use(safetyBreaker());
    app.get('/id', (_req, res) => {
      res.json({ id: currentContext()?.requestId });
    });
    const url = await serve(app);
    const a = await fetch(`${url}/id`);
    const b = await fetch(`${url}/id`, { headers: { 'x-request-id': 'bad id with spaces' } });
    const idA = ((await a.json()) as { id: string }).id;
    const idB = ((await b.json()) as { id: string }).id;
    expect(idA).toMatch(/^[0-9a-f-]{36}$/);
    expect(idB).toMatch(/^[0-9a-f-]{36}$/);
    expect(idA).not.toBe(idB);
    expect(a.headers.get('x-request-id')).toBe(idA);
  });

  it('answers an open breaker without fallback with 503, Retry-After in whole seconds of the remaining open time, and a problem+json body', async () => {
    let now = 1_000_000;
    const chat = guard(
      async (_q: string): Promise<string> => {
        throw Object.assign(new Error('provider down'), { status: 500 });
      },
      {
        name: 'chat',
        detectors: [],
        retry: false,
        clock: () => now,
        trip: { policy: 'rate', threshold: 0.5, minimumCalls: 2 },
        recovery: { afterMs: 42_500 },
      },
    );
    await expect(chat('a')).rejects.toThrow('provider down');
    await expect(chat('b')).rejects.toThrow('provider down');
    expect(chat.state).toBe('open');
    now += 10_000; // 32.5 s left → Retry-After: 33

    const app = express();
    app.use(safetyBreaker());
    app.get('/chat', async (_req, res) => {
      res.send(await chat('hello'));
    });
    app.use(breakerErrorHandler());
    const url = await serve(app);
    const res = await fetch(`${url}/chat`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('33');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      status: 503,
      code: 'SAFETY_BREAKER_OPEN',
      breaker: 'chat',
      retryAfter: 33,
      type: 'urn:safety-breaker:error:SAFETY_BREAKER_OPEN',
    });

    now += 32_000; // 0.5 s left → still at least 1 s
    const later = await fetch(`${url}/chat`);
    expect(later.headers.get('retry-after')).toBe('1');
    chat.dispose();
  });

  it('passes other errors on to the next error handler', async () => {
    const app = express();
    app.get('/boom', () => {
      throw new Error('not ours');
    });
    app.use(breakerErrorHandler());
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(418).send('app handler');
    });
    const url = await serve(app);
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(418);
  });

  it('serves metrics over HTTP in the Prometheus text format', async () => {
    const registry = new Registry();
    const chat = guard(async (q: string) => `echo ${q}`, { name: 'chat', detectors: [], registry });
    await chat('hi');
    chat.forceOpen('drill');
    const app = express();
    app.get('/metrics', metricsHandler(registry));
    const url = await serve(app);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    const text = await res.text();
    expect(text).toContain('safety_breaker_state{breaker="chat",state="forced-open"} 1');
    expect(text).toContain('safety_breaker_calls_total{breaker="chat",route="primary",outcome="success"} 1');
    chat.dispose();
  });
});

describe('express admin router', () => {
  const token = 'let-me-in';
  const authorize = (req: express.Request) => {
    const auth = req.get('authorization');
    if (!auth) return { deny: 401 as const };
    return auth === `Bearer ${token}` ? { actor: 'alice@example.com' } : false;
  };

  it('refuses to mount without authorize(req)', () => {
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    expect(() => adminRouter({ breakers: [chat] } as never)).toThrow(/option "authorize" is required/);
    expect(() => adminRouter({ breakers: [chat], authorize: 'yes' } as never)).toThrow(/authorize/);
    expect(() => adminRouter({ breakers: [chat, chat], authorize })).toThrow(/two breakers are named "chat"/);
  });

  it('names an unknown option as guard() does instead of dropping it', () => {
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const cases: [() => unknown, string][] = [
      // A typo here would lose every request's context without a word.
      [() => safetyBreaker({ contxt: () => ({ tenant: 't1' }) } as never), 'safetyBreaker(): unknown option "contxt"'],
      [() => adminRouter({ breakers: [chat], authorize, bogus: 1 } as never), 'adminRouter(): unknown option "bogus"'],
      [
        () => adminRouter({ breakers: [chat], authorise: authorize } as never),
        'adminRouter(): unknown option "authorise"',
      ],
      [() => guard(async () => 'x', { name: 'chat', contxt: 1 } as never), 'guard("chat"): unknown option "contxt"'],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(TypeError);
      expect(make).toThrow(message);
    }
    expect(() => safetyBreaker({ context: () => ({}), requestIdHeader: false })).not.toThrow();
    chat.dispose();
  });

  it('answers 401 without credentials, 403 with wrong ones, and records who did what and why', async () => {
    const { logger, records } = capturingLogger();
    const audits: unknown[] = [];
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const other = guard(async () => 'y', { name: 'summary', detectors: [] });
    const app = express();
    app.use('/admin', adminRouter({ breakers: { chat, other }, authorize, logger, onAudit: (r) => audits.push(r) }));
    const url = await serve(app);
    const post = (path: string, body: unknown, auth = `Bearer ${token}`) =>
      fetch(`${url}/admin${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify(body),
      });

    const anonymous = await fetch(`${url}/admin/breakers`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    const wrong = await post('/breakers/chat/force-open', { reason: 'x' }, 'Bearer nope');
    expect(wrong.status).toBe(403);
    expect(chat.state).toBe('closed');

    const list = await fetch(`${url}/admin/breakers`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    const names = ((await list.json()) as { breakers: { name: string }[] }).breakers.map((b) => b.name);
    expect(names).toEqual(['chat', 'summary']);

    expect((await post('/breakers/chat/force-open', {})).status).toBe(400);
    expect((await post('/breakers/nope/force-open', { reason: 'x' })).status).toBe(404);

    const forced = await post('/breakers/chat/force-open', { reason: 'toxic replies reported by jane@example.org' });
    expect(forced.status).toBe(200);
    expect(((await forced.json()) as { state: string }).state).toBe('forced-open');
    expect(chat.state).toBe('forced-open');

    const shadow = await post('/breakers/summary/shadow', { enabled: true, reason: 'tuning thresholds' });
    expect(shadow.status).toBe(200);
    expect(other.mode).toBe('shadow');
    await post('/breakers/summary/shadow', { enabled: false, reason: 'done tuning' });
    expect(other.mode).toBe('enforce');

    const reset = await post('/breakers/chat/reset', { reason: 'fixed upstream' });
    expect(reset.status).toBe(200);
    expect(chat.state).toBe('closed');

    const auditLogs = records.filter((r) => r.audit === true);
    expect(auditLogs.map((r) => [r.actor, r.action, r.breaker, r.reason])).toEqual([
      ['alice@example.com', 'force-open', 'chat', 'toxic replies reported by [REDACTED_EMAIL]'],
      ['alice@example.com', 'shadow-on', 'summary', 'tuning thresholds'],
      ['alice@example.com', 'shadow-off', 'summary', 'done tuning'],
      ['alice@example.com', 'reset', 'chat', 'fixed upstream'],
    ]);
    expect(auditLogs[0]).toMatchObject({ from: 'closed', to: 'forced-open', level: 30 });
    expect(audits).toHaveLength(4);
    chat.dispose();
    other.dispose();
  });

  it('escapes control characters and ANSI escapes in audit records and breaker reasons', async () => {
    const { logger, records } = capturingLogger();
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const app = express();
    app.use(express.json());
    // An actor name from an identity provider can carry anything too.
    app.use('/admin', adminRouter({ breakers: [chat], logger, authorize: () => ({ actor: 'mallory\u001b[8m' }) }));
    const url = await serve(app);
    const reason = 'all clear\u001b[2J\u001b[31m\nforged: admin reset chat\u202e\u0007';
    const forced = await fetch(`${url}/admin/breakers/chat/force-open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason }),
    });
    expect(forced.status).toBe(200);
    const escaped = 'all clear\\u001b[2J\\u001b[31m\\u000aforged: admin reset chat\\u202e\\u0007';
    const audit = records.find((r) => r.audit === true)!;
    expect(audit).toMatchObject({ actor: 'mallory\\u001b[8m', reason: escaped });
    expect(audit.msg).toBe(`admin: mallory\\u001b[8m force-open chat: ${escaped}`);
    expect(chat.stats().lastTransition?.reason).toBe(`${escaped} (by mallory\\u001b[8m)`);
    // eslint-disable-next-line no-control-regex
    const raw = /[\u0000-\u001f\u007f-\u009f\u202e]/;
    expect(JSON.stringify(records)).not.toMatch(raw);
    chat.dispose();
  });

  it('lets in only an explicit { actor }: an answer with both actor and deny is refused', async () => {
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const answers: Record<string, unknown> = {
      both: { actor: 'eve', deny: 403 },
      both401: { actor: 'eve', deny: 401 },
      empty: { actor: '  ' },
      yes: true,
      nothing: undefined,
      ok: { actor: 'alice' },
    };
    const app = express();
    app.use(
      '/admin',
      adminRouter({
        breakers: [chat],
        authorize: (req) => answers[req.get('x-case') ?? ''] as AdminAuthorization,
      }),
    );
    const url = await serve(app);
    const force = (c: string) =>
      fetch(`${url}/admin/breakers/chat/force-open`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-case': c },
        body: JSON.stringify({ reason: 'drill' }),
      });
    for (const c of ['both', 'both401', 'empty', 'yes', 'nothing']) {
      const res = await force(c);
      expect([c, res.status]).toEqual([c, 403]);
      expect(chat.state).toBe('closed');
    }
    expect((await force('ok')).status).toBe(200);
    expect(chat.state).toBe('forced-open');
    // The types say so too.
    // @ts-expect-error an answer with both actor and deny is not an AdminAuthorization
    const ambiguous: AdminAuthorization = { actor: 'eve', deny: 403 };
    expect(ambiguous).toBeDefined();
    chat.dispose();
  });

  it('serves HEAD on the GET routes', async () => {
    const chat = guard(async () => 'x', { name: 'chat', detectors: [] });
    const app = express();
    app.use('/admin', adminRouter({ breakers: [chat], authorize: () => ({ actor: 'alice' }) }));
    const url = await serve(app);
    for (const path of ['/admin/breakers', '/admin/breakers/chat']) {
      const head = await fetch(`${url}${path}`, { method: 'HEAD' });
      expect([path, head.status, head.headers.get('content-type')]).toEqual([
        path,
        200,
        'application/json; charset=utf-8',
      ]);
      expect(await head.text()).toBe('');
    }
    const put = await fetch(`${url}/admin/breakers`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
    chat.dispose();
  });

  it('sends retryAfterMs in whole milliseconds (the clock is fractional)', async () => {
    let now = 1_000.3;
    const chat = guard(
      async (): Promise<string> => {
        throw Object.assign(new Error('upstream'), { status: 503 });
      },
      {
        name: 'chat',
        detectors: [],
        retry: false,
        timeoutMs: 0,
        trip: { policy: 'rate', threshold: 0.5, minimumCalls: 2, window: { kind: 'count', size: 2 } },
        recovery: { afterMs: 30_000 },
        clock: () => now,
      },
    );
    await chat().catch(() => {});
    await chat().catch(() => {});
    expect(chat.state).toBe('open');
    now = 5_000.75;
    expect(chat.stats().retryAfterMs).toBeCloseTo(25_999.55, 5);
    const app = express();
    app.use('/admin', adminRouter({ breakers: [chat], authorize: () => ({ actor: 'alice' }) }));
    const url = await serve(app);
    const one = (await (await fetch(`${url}/admin/breakers/chat`)).json()) as { retryAfterMs: number };
    const all = (await (await fetch(`${url}/admin/breakers`)).json()) as { breakers: { retryAfterMs: number }[] };
    expect([one.retryAfterMs, all.breakers[0]!.retryAfterMs]).toEqual([26_000, 26_000]);
    chat.dispose();
  });
});
