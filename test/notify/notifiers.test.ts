/**
 * What each notifier sends, checked against the services' documented request shapes (msw): a trip
 * triggers once and resolves once with the same key, through the real notify queue.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyQueue } from '../../src/incidents/notify/queue.js';
import { opsgenie, OPSGENIE_API } from '../../src/incidents/notify/opsgenie.js';
import { pagerDuty, PAGERDUTY_EVENTS_URL } from '../../src/incidents/notify/pagerduty.js';
import { slack } from '../../src/incidents/notify/slack.js';
import { verifyWebhookSignature } from '../../src/incidents/notify/signature.js';
import { webhook } from '../../src/incidents/notify/webhook.js';
import { incident, resolve, trigger } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  url: string;
  headers: Headers;
  body: string;
}

function capture(url: string, reply: () => Response = () => new HttpResponse(null, { status: 202 })): Seen[] {
  const seen: Seen[] = [];
  server.use(
    http.post(url, async ({ request }) => {
      seen.push({ url: request.url, headers: request.headers, body: await request.text() });
      return reply();
    }),
  );
  return seen;
}

const fast = { minDelayMs: 1, maxDelayMs: 10, timeoutMs: 2_000 };

describe('PagerDuty Events API v2', () => {
  it('a trip triggers once and resolves once, both with the same dedup_key', async () => {
    const seen = capture(PAGERDUTY_EVENTS_URL, () =>
      HttpResponse.json({ status: 'success', message: 'Event processed', dedup_key: 'x' }, { status: 202 }),
    );
    const q = createNotifyQueue({ notifiers: [pagerDuty({ routingKey: 'R0UT1NG', source: 'api-1' })], ...fast });
    const inc = incident('inc-20261206-0001', { severity: 'SEV1' });
    q.notify(trigger(inc));
    q.notify(resolve(inc));
    await q.close();

    const [t, r] = seen.map((s) => JSON.parse(s.body) as Record<string, unknown>);
    expect(seen).toHaveLength(2);
    expect(t).toEqual({
      routing_key: 'R0UT1NG',
      event_action: 'trigger',
      dedup_key: 'safety-breaker:inc-20261206-0001',
      client: 'safety-breaker',
      payload: {
        summary: inc.title,
        source: 'api-1',
        severity: 'critical',
        timestamp: inc.detectedAt,
        component: 'chat',
        class: 'ai-safety',
        custom_details: { incident: inc.id, breaker: 'chat', severity: 'SEV1' },
      },
    });
    expect(r).toEqual({ routing_key: 'R0UT1NG', event_action: 'resolve', dedup_key: t!.dedup_key });
    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
  });

  it('maps SEV1–SEV4 to critical, error, warning, info and clips a long summary to 1024 characters', async () => {
    const seen = capture(PAGERDUTY_EVENTS_URL);
    const q = createNotifyQueue({ notifiers: [pagerDuty({ routingKey: 'k' })], ...fast });
    const sevs = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
    for (const severity of sevs) q.notify(trigger(incident(`i-${severity}`, { severity, title: 'x'.repeat(2000) })));
    await q.close();
    const payloads = seen.map(
      (s) => (JSON.parse(s.body) as { payload: { severity: string; summary: string } }).payload,
    );
    expect(payloads.map((p) => p.severity)).toEqual(['critical', 'error', 'warning', 'info']);
    expect(payloads[0]!.summary).toHaveLength(1024);
  });

  it('a dedup_key stays within 255 characters for a long incident id, and is the same for trigger and resolve', async () => {
    const seen = capture(PAGERDUTY_EVENTS_URL);
    const q = createNotifyQueue({ notifiers: [pagerDuty({ routingKey: 'k' })], ...fast });
    const inc = incident('i'.repeat(400));
    q.notify(trigger(inc));
    q.notify(resolve(inc));
    await q.close();
    const keys = seen.map((s) => (JSON.parse(s.body) as { dedup_key: string }).dedup_key);
    expect(keys[0]!.length).toBeLessThanOrEqual(255);
    expect(keys[1]).toBe(keys[0]);
  });
});

describe('Slack incoming webhook', () => {
  const URL = 'https://hooks.slack.com/services/T000/B000/XXXX';

  it('posts one message on trigger and one on resolve, with the title escaped', async () => {
    const seen = capture(URL, () => new HttpResponse('ok', { status: 200 }));
    const q = createNotifyQueue({ notifiers: [slack({ url: URL })], ...fast });
    const inc = incident('inc-7', { title: 'chat: <!channel> & friends' });
    q.notify(trigger(inc));
    q.notify(resolve(inc));
    await q.close();
    const [t, r] = seen.map((s) => (JSON.parse(s.body) as { text: string }).text);
    expect(t).toContain('*SEV2 incident opened*: chat: &lt;!channel&gt; &amp; friends');
    expect(t).toContain('Incident: inc-7');
    expect(t).not.toContain('<!channel>');
    expect(r).toContain('*Incident resolved*');
    expect(r).toContain('Recovered: 2026-12-06T10:12:00.000Z');
  });
});

describe('Opsgenie Alert API', () => {
  it('creates an alert with alias = incident id and closes it by alias, with the GenieKey header', async () => {
    const created = capture(`${OPSGENIE_API.us}/v2/alerts`, () =>
      HttpResponse.json({ result: 'Request will be processed', took: 0.1, requestId: 'r1' }, { status: 202 }),
    );
    const closed = capture(`${OPSGENIE_API.us}/v2/alerts/:alias/close`, () =>
      HttpResponse.json({ result: 'Request will be processed', took: 0.1, requestId: 'r2' }, { status: 202 }),
    );
    const q = createNotifyQueue({ notifiers: [opsgenie({ apiKey: 'genie-key', tags: ['team-ai'] })], ...fast });
    const inc = incident('inc/42', { severity: 'SEV3', title: 't'.repeat(200) });
    q.notify(trigger(inc));
    q.notify(resolve(inc));
    await q.close();

    expect(created).toHaveLength(1);
    expect(created[0]!.headers.get('authorization')).toBe('GenieKey genie-key');
    const alert = JSON.parse(created[0]!.body) as Record<string, unknown>;
    expect(alert).toMatchObject({
      alias: 'inc/42',
      priority: 'P3',
      source: 'safety-breaker',
      entity: 'chat',
      tags: ['safety-breaker', 'SEV3', 'team-ai'],
      details: { incident: 'inc/42', breaker: 'chat', severity: 'SEV3' },
    });
    expect(alert.message).toHaveLength(130);

    expect(closed).toHaveLength(1);
    const url = new URL(closed[0]!.url);
    expect(url.pathname).toBe('/v2/alerts/inc%2F42/close');
    expect(url.searchParams.get('identifierType')).toBe('alias');
    expect(closed[0]!.headers.get('authorization')).toBe('GenieKey genie-key');
    expect(JSON.parse(closed[0]!.body)).toEqual({
      source: 'safety-breaker',
      note: 'Recovered at 2026-12-06T10:12:00.000Z',
    });
  });

  it('region eu calls the EU host', async () => {
    const seen = capture(`${OPSGENIE_API.eu}/v2/alerts`);
    const q = createNotifyQueue({ notifiers: [opsgenie({ apiKey: 'k', region: 'eu' })], ...fast });
    q.notify(trigger(incident('inc-eu')));
    await q.close();
    expect(seen).toHaveLength(1);
    expect(new URL(seen[0]!.url).host).toBe('api.eu.opsgenie.com');
  });
});

describe('signed webhook', () => {
  const URL = 'https://receiver.example.com/incidents';

  it('the receiver verifies each delivery with the shared secret; the delivery id is stable', async () => {
    const seen = capture(URL, () => new HttpResponse(null, { status: 204 }));
    const q = createNotifyQueue({ notifiers: [webhook({ url: URL, secret: 'whsec_test' })], ...fast });
    const inc = incident('inc-9');
    q.notify(trigger(inc));
    q.notify(resolve(inc));
    await q.close();

    expect(seen).toHaveLength(2);
    for (const s of seen) {
      const check = verifyWebhookSignature({
        payload: s.body,
        header: s.headers.get('safety-breaker-signature'),
        secret: 'whsec_test',
      });
      expect(check.ok).toBe(true);
      expect(
        verifyWebhookSignature({ payload: s.body, header: s.headers.get('safety-breaker-signature'), secret: 'other' }),
      ).toEqual({ ok: false, reason: 'mismatch' });
    }
    const bodies = seen.map((s) => JSON.parse(s.body) as { type: string; delivery: string; incident: { id: string } });
    expect(bodies.map((b) => b.type)).toEqual(['incident.trigger', 'incident.resolve']);
    expect(bodies[0]!.incident).toEqual(inc);
    expect(seen.map((s) => s.headers.get('safety-breaker-delivery'))).toEqual(['inc-9:trigger', 'inc-9:resolve']);
  });
});

describe('bad options', () => {
  it('each factory names the bad option', () => {
    expect(() => pagerDuty({ routingKey: '' })).toThrow(
      /pagerDuty\(\): option "routingKey": must be a non-empty string/,
    );
    expect(() => slack({ url: 'hooks.slack.com/x' })).toThrow(/slack\(\): option "url": must be an http\(s\) URL/);
    expect(() => opsgenie({ apiKey: 'k', region: 'asia' as 'eu' })).toThrow(/opsgenie\(\): option "region"/);
    expect(() => webhook({ url: 'https://r.test/in', secret: [] })).toThrow(/webhook\(\): option "secret"/);
    expect(() => slack({ url: 'https://x.test', name: 'bad name' })).toThrow(/option "name": must contain only/);
  });
});
