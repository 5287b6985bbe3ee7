/** `incidents.notifiers` in the config file: built by createBreakers, secrets from the environment, paged once per event. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBreakers, parseConfig } from '../../src/entries/config.js';
import { isConfigError } from '../../src/config/errors.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/entries/notify.js';
import { until } from '../notify/helpers.js';

let dir: string;
let server: Server | undefined;
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const yaml = (logPath: string) => `breakers:
  chat:
    detectors: {}
    fallbacks: [backup]
incidents:
  path: ${logPath}
  notifiers:
    - { type: webhook, urlEnv: HOOK_URL, secretEnv: HOOK_SECRET }
`;
const bindings = {
  chat: { primary: async (q: string) => `reply to ${q}`, fallbacks: { backup: async () => 'backup' } },
};

async function receiver(): Promise<{ url: string; received: { type: string; id: string; verified: boolean }[] }> {
  const received: { type: string; id: string; verified: boolean }[] = [];
  const read = async (req: IncomingMessage) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    return body;
  };
  server = createServer((req, res) => {
    void read(req).then((payload) => {
      const header = req.headers[SIGNATURE_HEADER] as string | undefined;
      const verified = verifyWebhookSignature({ header, payload, secret: 's3cret' }).ok;
      const body = JSON.parse(payload) as { type: string; incident: { id: string } };
      received.push({ type: body.type, id: body.incident.id, verified });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as { port: number }).port}/hook`, received };
}

describe('incidents.notifiers in the config file', () => {
  it('a forced open pages once and the reset resolves it, signed with the secret from the environment', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-inc-notify-'));
    const { url, received } = await receiver();
    const file = join(dir, 'breakers.yaml');
    const set = createBreakers(parseConfig(yaml(join(dir, 'incidents.jsonl')), file), bindings, {
      env: { HOOK_URL: url, HOOK_SECRET: 's3cret' },
    });
    set.breakers.chat.forceOpen('bad answers', { actor: 'alice' });
    set.breakers.chat.reset('fixed', { actor: 'alice' });
    await until(() => received.length === 2);
    const id = set.incidents!.list()[0]!.id;
    expect(received).toEqual([
      { type: 'incident.trigger', id, verified: true },
      { type: 'incident.resolve', id, verified: true },
    ]);
    set.dispose();
    await set.incidents!.close();
  });

  it('a notifier whose environment variable is not set is a ConfigError naming it, not a silent no-page', () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-inc-notify-'));
    const config = parseConfig(yaml(join(dir, 'incidents.jsonl')), 'breakers.yaml');
    let error: unknown;
    try {
      createBreakers(config, bindings, { file: 'breakers.yaml', env: { HOOK_SECRET: 's3cret' } });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^breakers\.yaml:6:3 incidents: notifiers\[0\]\.urlEnv: environment variable HOOK_URL is not set/,
    );
  });
});
