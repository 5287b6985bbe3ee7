/** The notify metrics pass promtool, and the PromQL in docs/notifiers.md parses. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyQueue } from '../../src/incidents/notify/queue.js';
import { slack } from '../../src/incidents/notify/slack.js';
import { needsPromtool, promtool } from '../telemetry/promtool.js';
import { incident, metric, trigger } from './helpers.js';

const server = setupServer(
  http.post('https://ok.test/hook', () => new HttpResponse('ok')),
  http.post('https://bad.test/hook', () => new HttpResponse('no_service', { status: 404 })),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('notify metrics', () => {
  it('a scrape after deliveries and failures passes `promtool check metrics`; series exist from the start', async (ctx) => {
    const registry = new Registry();
    const q = createNotifyQueue({
      notifiers: [
        slack({ url: 'https://ok.test/hook', name: 'ok' }),
        slack({ url: 'https://bad.test/hook', name: 'bad' }),
      ],
      registry,
    });
    // Before any notice: the series alerts rely on are there, at 0.
    expect(await metric(registry, 'safety_breaker_notify_breaker_state', { notifier: 'bad', state: 'closed' })).toBe(1);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain('safety_breaker_notify_dropped_total');
    q.notify(trigger(incident('i1')));
    await q.close();
    expect(await metric(registry, 'safety_breaker_notify_sent_total', { notifier: 'ok', event: 'trigger' })).toBe(1);
    expect(
      await metric(registry, 'safety_breaker_notify_failures_total', { notifier: 'bad', reason: 'rejected' }),
    ).toBe(1);
    expect(await metric(registry, 'safety_breaker_notify_dropped_total', { notifier: 'bad', reason: 'failed' })).toBe(
      1,
    );

    needsPromtool(ctx);
    const r = promtool(['check', 'metrics'], await registry.metrics());
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('every PromQL example in docs/notifiers.md parses', (ctx) => {
    needsPromtool(ctx);
    const md = readFileSync(new URL('../../docs/notifiers.md', import.meta.url), 'utf8');
    const block = md.split('```promql')[1]!.split('```')[0]!;
    const exprs = block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(exprs.length).toBe(4);
    const file = join(mkdtempSync(join(tmpdir(), 'sb-notify-')), 'rules.yml');
    writeFileSync(
      file,
      JSON.stringify({
        groups: [{ name: 'notify', rules: exprs.map((expr, i) => ({ record: `notify:e${i}`, expr })) }],
      }),
    );
    const r = promtool(['check', 'rules', file]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
