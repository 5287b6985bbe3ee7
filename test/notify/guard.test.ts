/**
 * A real guard whose trips page through the notify queue: while PagerDuty hangs, the guard's calls
 * keep being served (the fallback answers), because the trip only enqueues the notice.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guard } from '../../src/index.js';
import { pagerDuty, PAGERDUTY_EVENTS_URL } from '../../src/incidents/notify/pagerduty.js';
import { createNotifyQueue } from '../../src/incidents/notify/queue.js';
import { marker } from '../guard/helpers.js';
import { gate, incident, metric, until } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('a guard that pages on trip', () => {
  it('keeps serving every call while the PagerDuty endpoint hangs; the page goes out once it answers', async () => {
    const hold = gate();
    const arrived: unknown[] = [];
    server.use(
      http.post(PAGERDUTY_EVENTS_URL, async ({ request }) => {
        arrived.push(await request.json());
        await hold.wait;
        return HttpResponse.json({ status: 'success', message: 'Event processed' }, { status: 202 });
      }),
    );
    const registry = new Registry();
    const notify = createNotifyQueue({
      notifiers: [pagerDuty({ routingKey: 'k' })],
      registry,
      timeoutMs: 60_000,
      closeTimeoutMs: 5_000,
    });
    const g = guard(async (q: string) => `TOXIC answer to ${q}`, {
      name: 'paged',
      detectors: [marker()],
      fallbacks: [async (q: string) => `fallback answer to ${q}`],
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 5, window: { kind: 'count', size: 10 } },
      retry: false,
      timeoutMs: 0,
    });
    g.on('trip', (e) =>
      notify.notify({ event: 'trigger', incident: incident(`inc-${e.breaker}`, { breaker: e.breaker }) }),
    );

    const answers: string[] = [];
    for (let i = 0; i < 30; i++) answers.push(await g(`q${i}`));

    expect(g.state).toBe('open');
    expect(answers.every((a) => a.startsWith('fallback answer'))).toBe(true);
    // The page was sent and has not been answered, yet all 30 calls came back.
    await until(() => arrived.length === 1);
    expect(
      await metric(registry, 'safety_breaker_notify_sent_total', { notifier: 'pagerduty', event: 'trigger' }),
    ).toBe(0);
    hold.open();
    await notify.close();
    expect(
      await metric(registry, 'safety_breaker_notify_sent_total', { notifier: 'pagerduty', event: 'trigger' }),
    ).toBe(1);
    g.dispose();
  });
});
