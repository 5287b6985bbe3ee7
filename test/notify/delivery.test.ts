/**
 * The notify queue against failing endpoints (msw, and a closed loopback port): what is retried,
 * what is given up, what is counted, and that a hanging notifier never holds up anyone else.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyQueue, type NotifyQueueOptions } from '../../src/incidents/notify/queue.js';
import { slack } from '../../src/incidents/notify/slack.js';
import { webhook } from '../../src/incidents/notify/webhook.js';
import type { IncidentNotice } from '../../src/incidents/notice.js';
import { gate, incident, listenWithDeadPort, metric, resolve, trigger, until } from './helpers.js';

let dead = '';
const server = setupServer();
beforeAll(async () => {
  dead = await listenWithDeadPort(server);
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const A = 'https://a.test/hook';
const B = 'https://b.test/hook';

/** Serves `replies` in order (the last repeats) and records each request's event. */
function serve(url: string, ...replies: (() => Response | Promise<Response>)[]): { events: string[] } {
  const seen = { events: [] as string[] };
  server.use(
    http.post(url, async ({ request }) => {
      const { text } = (await request.json()) as { text: string };
      seen.events.push(text.split('\n')[1]!); // "Incident: <id>"
      const reply = replies[Math.min(seen.events.length - 1, replies.length - 1)]!;
      return reply();
    }),
  );
  return seen;
}

const fast = { minDelayMs: 1, maxDelayMs: 20, timeoutMs: 2_000, closeTimeoutMs: 5_000 };
const queue = (registry: Registry, more: Partial<NotifyQueueOptions> = {}) =>
  createNotifyQueue({ notifiers: [slack({ url: A, name: 'a' })], registry, ...fast, ...more });
const failures = (r: Registry, reason: string, notifier = 'a') =>
  metric(r, 'safety_breaker_notify_failures_total', { notifier, reason });
const dropped = (r: Registry, reason: string, notifier = 'a') =>
  metric(r, 'safety_breaker_notify_dropped_total', { notifier, reason });
const sent = (r: Registry, event: string, notifier = 'a') =>
  metric(r, 'safety_breaker_notify_sent_total', { notifier, event });

describe('retries', () => {
  it('429 with Retry-After: the next attempt waits at least that long, then delivers; counted', async () => {
    const times: number[] = [];
    server.use(
      http.post(A, () => {
        times.push(Date.now());
        return times.length === 1
          ? new HttpResponse('rate_limited', { status: 429, headers: { 'retry-after': '1' } })
          : new HttpResponse('ok');
      }),
    );
    const r = new Registry();
    const q = queue(r, { maxDelayMs: 5_000 });
    q.notify(trigger(incident('i1')));
    await q.close();
    expect(times).toHaveLength(2);
    // Lower bound only: the queue never comes back sooner than the endpoint asked.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1_000 - 5);
    expect(await failures(r, 'rate_limited')).toBe(1);
    expect(await sent(r, 'trigger')).toBe(1);
    expect(await dropped(r, 'failed')).toBe(0);
  });

  it('a Retry-After longer than maxDelayMs ends the delivery rather than retrying early', async () => {
    const seen = serve(A, () => new HttpResponse(null, { status: 503, headers: { 'retry-after': '3600' } }));
    const r = new Registry();
    const q = queue(r);
    q.notify(trigger(incident('i1')));
    await q.close();
    expect(seen.events).toHaveLength(1);
    expect(await failures(r, 'server_error')).toBe(1);
    expect(await dropped(r, 'failed')).toBe(1);
  });

  it('5xx twice, then 200: delivered on the third attempt; two server_error failures counted', async () => {
    const seen = serve(
      A,
      () => new HttpResponse('rollup_error', { status: 500 }),
      () => new HttpResponse(null, { status: 502 }),
      () => new HttpResponse('ok'),
    );
    const r = new Registry();
    const q = queue(r);
    q.notify(trigger(incident('i1')));
    await q.close();
    expect(seen.events).toEqual(['Incident: i1', 'Incident: i1', 'Incident: i1']);
    expect(await failures(r, 'server_error')).toBe(2);
    expect(await sent(r, 'trigger')).toBe(1);
  });

  it('a timeout aborts the attempt (the request sees the abort) and the retry delivers', async () => {
    const aborted: boolean[] = [];
    let calls = 0;
    server.use(
      http.post(A, async ({ request }) => {
        if (++calls > 1) return new HttpResponse('ok');
        await new Promise<void>((r) => request.signal.addEventListener('abort', () => r()));
        aborted.push(request.signal.aborted);
        return new HttpResponse('too late');
      }),
    );
    const r = new Registry();
    const q = queue(r, { timeoutMs: 50 });
    q.notify(trigger(incident('i1')));
    await q.close();
    expect(aborted).toEqual([true]);
    expect(await failures(r, 'timeout')).toBe(1);
    expect(await sent(r, 'trigger')).toBe(1);
  });

  it('a notifier that ignores its signal is cut off at timeoutMs, even when the garbage collector runs meanwhile', async () => {
    // Node 20's AbortSignal.any() holds an AbortSignal.timeout() weakly: once collected, it never fired.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const r = new Registry();
    const hangs = { name: 'a', send: () => new Promise<void>(() => {}) };
    const q = createNotifyQueue({ notifiers: [hangs], registry: r, ...fast, timeoutMs: 100, retries: 0 });
    q.notify(trigger(incident('i1')));
    const collecting = setInterval(gc, 10);
    try {
      await until(async () => (await failures(r, 'timeout')) === 1, 2_000);
    } finally {
      clearInterval(collecting);
      await q.close();
    }
    expect(await dropped(r, 'failed')).toBe(1);
  });

  it('a dead endpoint (connection refused): retried `retries` times, then given up, counted and logged', async () => {
    const logs: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
    const at = (level: string) => (obj: object, msg?: string) =>
      logs.push({ level, obj: obj as Record<string, unknown>, ...(msg !== undefined && { msg }) });
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const r = new Registry();
    const q = createNotifyQueue({
      notifiers: [webhook({ url: `${dead}/hook`, secret: 's', name: 'a' })],
      registry: r,
      logger,
      ...fast,
      retries: 3,
      breakerThreshold: 100,
    });
    q.notify(trigger(incident('i1')));
    await q.close();
    expect(await failures(r, 'network')).toBe(4); // 1 + 3 retries
    expect(await dropped(r, 'failed')).toBe(1);
    expect(await sent(r, 'trigger')).toBe(0);
    const given = logs.find((l) => l.msg === 'incident notice not delivered');
    expect(given).toMatchObject({
      level: 'error',
      obj: { notifier: 'a', incident: 'i1', event: 'trigger', attempts: 4 },
    });
    expect(JSON.stringify(given!.obj.err)).toContain('ECONNREFUSED');
  });

  it('400 (invalid payload) is not retried: one attempt, counted as rejected and failed', async () => {
    const seen = serve(A, () => new HttpResponse('invalid_payload', { status: 400 }));
    const r = new Registry();
    const q = queue(r);
    q.notify(trigger(incident('i1')));
    await q.close();
    expect(seen.events).toHaveLength(1);
    expect(await failures(r, 'rejected')).toBe(1);
    expect(await dropped(r, 'failed')).toBe(1);
  });
});

describe('order, bounds and isolation', () => {
  it('a resolve is never delivered before its trigger, even when the trigger needs retries', async () => {
    const order: string[] = [];
    let calls = 0;
    server.use(
      http.post(A, async ({ request }) => {
        const { text } = (await request.json()) as { text: string };
        calls++;
        if (calls <= 2) return new HttpResponse(null, { status: 503 });
        order.push(text.includes('opened') ? 'trigger' : 'resolve');
        return new HttpResponse('ok');
      }),
    );
    const q = queue(new Registry());
    const inc = incident('i1');
    q.notify(trigger(inc));
    q.notify(resolve(inc));
    await q.close();
    expect(order).toEqual(['trigger', 'resolve']);
  });

  it('a full queue drops the oldest waiting notice, counts it, and delivers the rest in order', async () => {
    const hold = gate();
    const delivered: string[] = [];
    server.use(
      http.post(A, async ({ request }) => {
        const { text } = (await request.json()) as { text: string };
        await hold.wait;
        delivered.push(text.split('\n')[1]!.slice('Incident: '.length));
        return new HttpResponse('ok');
      }),
    );
    const r = new Registry();
    const q = queue(r, { capacity: 2, timeoutMs: 10_000 });
    q.notify(trigger(incident('n1')));
    await until(async () => (await metric(r, 'safety_breaker_notify_queue_depth', { notifier: 'a' })) === 1);
    for (const id of ['n2', 'n3', 'n4', 'n5']) q.notify(trigger(incident(id)));
    // n1 is in delivery; n2 and n3 were the oldest waiting when n4 and n5 came.
    expect(await dropped(r, 'overflow')).toBe(2);
    expect(await metric(r, 'safety_breaker_notify_queue_depth', { notifier: 'a' })).toBe(3);
    hold.open();
    await q.close();
    expect(delivered).toEqual(['n1', 'n4', 'n5']);
  });

  it('a notifier that hangs holds up neither notify() nor the other notifiers', async () => {
    const hold = gate();
    let hanging = 0;
    server.use(
      http.post(A, async () => {
        hanging++;
        await hold.wait;
        return new HttpResponse('ok');
      }),
    );
    const other = serve(B, () => new HttpResponse('ok'));
    const r = new Registry();
    const q = createNotifyQueue({
      notifiers: [slack({ url: A, name: 'a' }), slack({ url: B, name: 'b' })],
      registry: r,
      ...fast,
      timeoutMs: 60_000,
    });
    // notify() returns nothing to await: the caller cannot wait on the network even by mistake.
    expect(q.notify(trigger(incident('i1')))).toBeUndefined();
    expect(q.notify(resolve(incident('i1')))).toBeUndefined();
    await until(() => other.events.length === 2);
    expect(hanging).toBe(1);
    expect(await sent(r, 'resolve', 'b')).toBe(1);
    expect(await sent(r, 'trigger', 'a')).toBe(0);
    hold.open();
    await q.close();
    expect(await sent(r, 'resolve', 'a')).toBe(1);
  });
});

describe("each notifier's own breaker", () => {
  it('opens after breakerThreshold failed attempts, waits out the cool-down, then a trial attempt closes it', async () => {
    let up = false;
    const seen = serve(A, () => (up ? new HttpResponse('ok') : new HttpResponse(null, { status: 500 })));
    const r = new Registry();
    const state = (s: string) => metric(r, 'safety_breaker_notify_breaker_state', { notifier: 'a', state: s });
    const q = queue(r, { breakerThreshold: 2, retries: 5, coolDownMs: 200 });
    q.notify(trigger(incident('i1')));
    await until(async () => (await state('open')) === 1);
    // Open: no attempt during the cool-down.
    const attemptsWhenOpened = seen.events.length;
    expect(attemptsWhenOpened).toBe(2);
    up = true;
    await until(async () => (await sent(r, 'trigger')) === 1);
    expect(seen.events.length).toBe(3);
    expect(await state('closed')).toBe(1);
    expect(await state('open')).toBe(0);
    expect(await failures(r, 'server_error')).toBe(2);
    await q.close();
  });
});

describe('close()', () => {
  it('delivers what is queued before it resolves', async () => {
    const seen = serve(A, () => new HttpResponse('ok'));
    const q = queue(new Registry());
    for (let i = 0; i < 5; i++) q.notify(trigger(incident(`i${i}`)));
    await q.close();
    expect(seen.events).toHaveLength(5);
  });

  it('stops at its deadline: the hanging attempt is aborted, what is left is counted as shutdown', async () => {
    const signals: AbortSignal[] = [];
    server.use(
      http.post(A, async ({ request }) => {
        signals.push(request.signal);
        await new Promise<void>((r) => request.signal.addEventListener('abort', () => r()));
        return new HttpResponse('late');
      }),
    );
    const r = new Registry();
    const q = queue(r, { timeoutMs: 60_000, closeTimeoutMs: 50 });
    const notices: IncidentNotice[] = [trigger(incident('i1')), trigger(incident('i2')), trigger(incident('i3'))];
    for (const n of notices) q.notify(n);
    await until(() => signals.length === 1);
    await q.close();
    expect(signals[0]!.aborted).toBe(true);
    expect(await dropped(r, 'shutdown')).toBe(3);
    expect(await metric(r, 'safety_breaker_notify_queue_depth', { notifier: 'a' })).toBe(0);
    // After close, a notice is counted as dropped, never thrown.
    expect(() => q.notify(trigger(incident('i4')))).not.toThrow();
    expect(await dropped(r, 'shutdown')).toBe(4);
  });
});
