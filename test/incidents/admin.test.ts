/**
 * The admin routes with an incident log, on real Express and Fastify servers: an action through
 * them lands in the incident record with its actor and reason; the routes list open and recent
 * incidents, show one, and file a report.
 */
import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { guard } from '../../src/index.js';
import { incidents, memorySink, type IncidentRecord } from '../../src/entries/incidents.js';
import { adminRouter } from '../../src/integrations/express.js';
import { safetyBreakerAdmin } from '../../src/integrations/fastify.js';
import { listen } from '../integrations/helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const DAY = 86_400_000;

function setup() {
  const chat = guard(async (_q: string) => 'x', { name: 'chat', detectors: [], fallbacks: [async () => 'backup'] });
  const log = incidents({
    sink: memorySink(),
    clocks: [{ name: 'internal-review', kind: 'internal', severities: ['SEV2'], withinMs: DAY }],
  });
  log.attach(chat);
  closers.push(() => log.close());
  return { chat, log };
}

/** The same script against either server: force open, list, show, file a report, reset. */
async function script(url: string, chat: ReturnType<typeof setup>['chat']) {
  const headers = { 'content-type': 'application/json', authorization: 'Bearer ok' };
  const get = async (path: string) => {
    const r = await fetch(`${url}/admin${path}`, { headers });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${url}/admin${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  expect((await get('/incidents')).body).toEqual({ incidents: [] });
  expect((await post('/breakers/chat/force-open', { reason: 'INC-5: slurs in replies' })).status).toBe(200);
  await chat('served by the fallback');
  const open = (await get('/incidents?status=open')).body.incidents as IncidentRecord[];
  expect(open).toHaveLength(1);
  const id = open[0]!.id;
  expect(open[0]).toMatchObject({
    breaker: 'chat',
    trigger: 'forced-open',
    severity: 'SEV2',
    actions: [{ action: 'force-open', actor: 'oncall-bob', reason: 'INC-5: slurs in replies (by oncall-bob)' }],
    reports: [{ name: 'internal-review', kind: 'internal' }],
    calls: { servedByFallback: 1, rejected: 1 },
  });
  expect((await get('/incidents?status=closed')).body).toEqual({ incidents: [] });
  expect((await get('/incidents?status=maybe')).status).toBe(400);
  expect((await get(`/incidents/${id}`)).body).toMatchObject({ id, status: 'open' });
  expect((await get('/incidents/nope')).status).toBe(404);

  const notText = await post(`/incidents/${id}/reports/internal-review`, { reason: 42 });
  expect(notText).toMatchObject({ status: 400, body: { detail: 'body field "reason" must be a string' } });
  const filed = await post(`/incidents/${id}/reports/internal-review`, { reason: 'review held' });
  expect(filed.status).toBe(200);
  expect((filed.body.reports as { filedBy: string }[])[0]!.filedBy).toBe('oncall-bob');
  expect((await post(`/incidents/${id}/reports/regulator`, {})).status).toBe(404);

  expect((await post('/breakers/chat/reset', { reason: 'rolled back' })).status).toBe(200);
  const shown = (await get(`/incidents/${id}`)).body as unknown as IncidentRecord;
  expect(shown).toMatchObject({ status: 'closed', resolution: 'reset' });
  expect(shown.actions.map((a) => [a.action, a.actor])).toEqual([
    ['force-open', 'oncall-bob'],
    ['reset', 'oncall-bob'],
  ]);
  expect((await get('/incidents?breaker=other')).body).toEqual({ incidents: [] });
  expect(((await get('/incidents?breaker=chat')).body.incidents as unknown[]).length).toBe(1);
}

describe('admin routes for incidents', () => {
  it('Express', async () => {
    const { chat, log } = setup();
    const app = express();
    app.use('/admin', adminRouter({ breakers: [chat], incidents: log, authorize: () => ({ actor: 'oncall-bob' }) }));
    const { url, close } = await listen(createServer(app));
    closers.push(close);
    await script(url, chat);
  });

  it('Fastify', async () => {
    const { chat, log } = setup();
    const app = Fastify();
    await app.register(safetyBreakerAdmin, {
      prefix: '/admin',
      breakers: [chat],
      incidents: log,
      authorize: () => ({ actor: 'oncall-bob' }),
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    await script(url, chat);
  });

  it('refuses an incidents option that is not an incident log', () => {
    const { chat } = setup();
    expect(() => adminRouter({ breakers: [chat], incidents: {} as never, authorize: () => ({ actor: 'a' }) })).toThrow(
      /option "incidents" must be an incident log/,
    );
  });
});
