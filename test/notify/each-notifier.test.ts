/**
 * Every notifier through the same failures (msw, and a closed loopback port): 429 with
 * Retry-After, 5xx and a timeout are retried until the endpoint accepts; a dead endpoint is
 * retried within the queue's bounds, then given up; each failure is counted under its reason.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { opsgenie } from '../../src/incidents/notify/opsgenie.js';
import { pagerDuty } from '../../src/incidents/notify/pagerduty.js';
import { createNotifyQueue } from '../../src/incidents/notify/queue.js';
import { slack } from '../../src/incidents/notify/slack.js';
import type { Notifier } from '../../src/incidents/notify/types.js';
import { webhook } from '../../src/incidents/notify/webhook.js';
import { incident, listenWithDeadPort, metric, resolve, trigger } from './helpers.js';

let dead = '';
const server = setupServer();
beforeAll(async () => {
  dead = await listenWithDeadPort(server);
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Each notifier pointed at `base`, and the path its trigger is posted to. */
const kinds: { kind: string; make: (base: string) => Notifier; path: string }[] = [
  { kind: 'pagerduty', make: (base) => pagerDuty({ routingKey: 'k', url: `${base}/v2/enqueue` }), path: '/v2/enqueue' },
  { kind: 'slack', make: (base) => slack({ url: `${base}/services/T/B/x` }), path: '/services/T/B/x' },
  { kind: 'opsgenie', make: (base) => opsgenie({ apiKey: 'k', baseUrl: base }), path: '/v2/alerts' },
  { kind: 'webhook', make: (base) => webhook({ url: `${base}/hook`, secret: 's' }), path: '/hook' },
];

const fast = { minDelayMs: 1, maxDelayMs: 50, closeTimeoutMs: 10_000, breakerThreshold: 100 };

describe.each(kinds)('$kind', ({ kind, make, path }) => {
  const base = `https://${kind}.test`;
  const count = (r: Registry, name: string, labels: Record<string, string>) =>
    metric(r, `safety_breaker_notify_${name}`, { notifier: kind, ...labels });

  it('429 (Retry-After), 503, a timeout, then 202: delivered once, each failure counted', async () => {
    let calls = 0;
    server.use(
      http.post(`${base}${path}`, async ({ request }) => {
        calls++;
        if (calls === 1) return new HttpResponse(null, { status: 429, headers: { 'retry-after': '0' } });
        if (calls === 2) return new HttpResponse(null, { status: 503 });
        if (calls === 3) await new Promise<void>((r) => request.signal.addEventListener('abort', () => r()));
        return new HttpResponse(null, { status: 202 });
      }),
    );
    const r = new Registry();
    const q = createNotifyQueue({ notifiers: [make(base)], registry: r, ...fast, timeoutMs: 100 });
    q.notify(trigger(incident('i1')));
    await q.close();
    expect(calls).toBe(4);
    expect(await count(r, 'failures_total', { reason: 'rate_limited' })).toBe(1);
    expect(await count(r, 'failures_total', { reason: 'server_error' })).toBe(1);
    expect(await count(r, 'failures_total', { reason: 'timeout' })).toBe(1);
    expect(await count(r, 'sent_total', { event: 'trigger' })).toBe(1);
    expect(await count(r, 'dropped_total', { reason: 'failed' })).toBe(0);
  });

  it('a dead endpoint: 1 + retries attempts per notice, then given up and counted; both notices tried', async () => {
    const r = new Registry();
    const q = createNotifyQueue({ notifiers: [make(dead)], registry: r, ...fast, retries: 2, timeoutMs: 2_000 });
    q.notify(trigger(incident('i1')));
    q.notify(resolve(incident('i1')));
    await q.close();
    expect(await count(r, 'failures_total', { reason: 'network' })).toBe(6);
    expect(await count(r, 'dropped_total', { reason: 'failed' })).toBe(2);
    expect(await count(r, 'sent_total', { event: 'trigger' })).toBe(0);
  });
});
