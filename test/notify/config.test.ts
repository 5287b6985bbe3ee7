/** notifiersFromConfig: the config file's shape in, notifiers out; secrets only from the environment. */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { notifiersFromConfig } from '../../src/incidents/notify/config.js';
import { createNotifyQueue } from '../../src/incidents/notify/queue.js';
import { OPSGENIE_API } from '../../src/incidents/notify/opsgenie.js';
import { PAGERDUTY_EVENTS_URL } from '../../src/incidents/notify/pagerduty.js';
import { verifyWebhookSignature } from '../../src/incidents/notify/signature.js';
import { incident, trigger } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const env = {
  PD_ROUTING_KEY: 'pd-secret-key',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T1/B1/secret',
  OPSGENIE_API_KEY: 'genie-secret',
  WEBHOOK_SECRET: 'whsec_from_env',
};

describe('notifiersFromConfig', () => {
  it('builds each notifier with its secret from the environment, and they deliver', async () => {
    const got: Record<string, { headers: Headers; body: string }> = {};
    const record =
      (key: string) =>
      async ({ request }: { request: Request }) => {
        got[key] = { headers: request.headers, body: await request.text() };
        return new HttpResponse(null, { status: 202 });
      };
    server.use(
      http.post(PAGERDUTY_EVENTS_URL, record('pagerduty')),
      http.post(env.SLACK_WEBHOOK_URL, record('slack')),
      http.post(`${OPSGENIE_API.eu}/v2/alerts`, record('opsgenie')),
      http.post('https://hooks.example.com/incidents', record('webhook')),
    );
    const notifiers = notifiersFromConfig(
      [
        { type: 'pagerduty', routingKeyEnv: 'PD_ROUTING_KEY' },
        { type: 'slack', urlEnv: 'SLACK_WEBHOOK_URL' },
        { type: 'opsgenie', apiKeyEnv: 'OPSGENIE_API_KEY', region: 'eu' },
        { type: 'webhook', url: 'https://hooks.example.com/incidents', secretEnv: 'WEBHOOK_SECRET' },
      ],
      env,
    );
    expect(notifiers.map((n) => n.name)).toEqual(['pagerduty', 'slack', 'opsgenie', 'webhook']);
    const q = createNotifyQueue({ notifiers, minDelayMs: 1 });
    q.notify(trigger(incident('inc-1')));
    await q.close();
    expect(JSON.parse(got.pagerduty!.body)).toMatchObject({ routing_key: 'pd-secret-key' });
    expect(got.slack).toBeDefined();
    expect(got.opsgenie!.headers.get('authorization')).toBe('GenieKey genie-secret');
    const signed = verifyWebhookSignature({
      payload: got.webhook!.body,
      header: got.webhook!.headers.get('safety-breaker-signature'),
      secret: 'whsec_from_env',
    });
    expect(signed.ok).toBe(true);
  });

  it('names the entry whose variable is not set', () => {
    expect(() =>
      notifiersFromConfig(
        [
          { type: 'pagerduty', routingKeyEnv: 'PD_ROUTING_KEY' },
          { type: 'slack', urlEnv: 'SLACK_WEBHOOK_URL' },
        ],
        { PD_ROUTING_KEY: 'k' },
      ),
    ).toThrow('notifiers[1].urlEnv: environment variable SLACK_WEBHOOK_URL is not set');
  });

  it('reports every problem at once, and never prints a secret value', () => {
    let message = '';
    try {
      notifiersFromConfig(
        [
          { type: 'slack', urlEnv: 'SLACK_WEBHOOK_URL' },
          { type: 'opsgenie', apiKeyEnv: 'MISSING_KEY' },
          { type: 'webhook', urlEnv: 'HOOK_URL', secretEnv: 'HOOK_SECRET' },
        ],
        { SLACK_WEBHOOK_URL: 'not-a-url-secret-token', HOOK_URL: 'https://h.test', HOOK_SECRET: '' },
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      'notifiers[0].urlEnv: environment variable SLACK_WEBHOOK_URL does not hold an http(s) URL',
    );
    expect(message).toContain('notifiers[1].apiKeyEnv: environment variable MISSING_KEY is not set');
    expect(message).toContain('notifiers[2].secretEnv: environment variable HOOK_SECRET is not set');
    expect(message).not.toContain('secret-token');
  });

  it('rejects a bad shape with the path: unknown type, bad variable name, unknown key, url and urlEnv together', () => {
    expect(() => notifiersFromConfig([{ type: 'teams', urlEnv: 'X' }], {})).toThrow(
      'notifiers[0].type: must be one of "pagerduty", "slack", "opsgenie", "webhook"',
    );
    expect(() => notifiersFromConfig([{ type: 'slack', urlEnv: '1BAD' }], {})).toThrow(
      'notifiers[0].urlEnv: must be an environment variable name',
    );
    expect(() => notifiersFromConfig([{ type: 'slack', url: 'https://x', urlEnv: 'S' }], {})).toThrow(
      'notifiers[0]: unknown keys "url"',
    );
    expect(() =>
      notifiersFromConfig([{ type: 'webhook', url: 'https://x.test', urlEnv: 'U', secretEnv: 'S' }], {
        U: 'u',
        S: 's',
      }),
    ).toThrow('notifiers[0]: needs exactly one of url and urlEnv');
    expect(() => notifiersFromConfig({ type: 'slack' }, {})).toThrow('notifiers: must be an array');
    // A secret written into the file, where an env name belongs, is refused before it is used anywhere.
    expect(() => notifiersFromConfig([{ type: 'pagerduty', routingKeyEnv: 'R0uting-Key-Value!' }], {})).toThrow(
      'notifiers[0].routingKeyEnv: must be an environment variable name',
    );
  });

  it('names unnamed notifiers by type (slack, slack-2) and refuses a name used twice', () => {
    const e = { A: 'https://a.test', B: 'https://b.test' };
    const names = notifiersFromConfig(
      [
        { type: 'slack', urlEnv: 'A' },
        { type: 'slack', urlEnv: 'B' },
      ],
      e,
    ).map((n) => n.name);
    expect(names).toEqual(['slack', 'slack-2']);
    expect(() =>
      notifiersFromConfig(
        [
          { type: 'slack', urlEnv: 'A', name: 'ops' },
          { type: 'slack', urlEnv: 'B', name: 'ops' },
        ],
        e,
      ),
    ).toThrow('notifiers[1].name: "ops" is used by notifiers[0]');
  });

  it('ignores whitespace around a value (a secret mounted from a file ends in a newline); blank is unset', async () => {
    let key = '';
    server.use(
      http.post(PAGERDUTY_EVENTS_URL, async ({ request }) => {
        key = ((await request.json()) as { routing_key: string }).routing_key;
        return new HttpResponse(null, { status: 202 });
      }),
    );
    const [pd] = notifiersFromConfig([{ type: 'pagerduty', routingKeyEnv: 'PD' }], { PD: '  key-from-file\n' });
    const q = createNotifyQueue({ notifiers: [pd!] });
    q.notify(trigger(incident('i1')));
    await q.close();
    expect(key).toBe('key-from-file');
    expect(() => notifiersFromConfig([{ type: 'pagerduty', routingKeyEnv: 'PD' }], { PD: ' \n' })).toThrow(
      'notifiers[0].routingKeyEnv: environment variable PD is not set',
    );
  });

  it('reads process.env by default', () => {
    process.env.SB_TEST_SLACK_URL = 'https://hooks.slack.com/services/T/B/env';
    try {
      expect(notifiersFromConfig([{ type: 'slack', urlEnv: 'SB_TEST_SLACK_URL' }])[0]!.name).toBe('slack');
    } finally {
      delete process.env.SB_TEST_SLACK_URL;
    }
  });
});
