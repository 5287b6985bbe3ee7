/**
 * The receiver in docs/notifiers.md, as written: a real Express app on a loopback port checks the
 * signature of what the real webhook notifier sends, and refuses a replayed or forged delivery.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyQueue } from '../../src/incidents/notify/queue.js';
import { SIGNATURE_HEADER, signWebhookPayload, verifyWebhookSignature } from '../../src/incidents/notify/signature.js';
import { webhook } from '../../src/incidents/notify/webhook.js';
import { incident, resolve, trigger } from './helpers.js';

const SECRET = 'whsec_receiver_test';
const accepted: { type: string; delivery: string }[] = [];
let server: Server;
let url = '';

beforeAll(async () => {
  const app = express();
  app.post('/incidents', express.raw({ type: 'application/json' }), (req, res) => {
    const check = verifyWebhookSignature({
      payload: req.body as Buffer,
      header: req.get(SIGNATURE_HEADER),
      secret: SECRET,
    });
    if (!check.ok) {
      res.status(401).send(check.reason);
      return;
    }
    accepted.push(JSON.parse((req.body as Buffer).toString('utf8')) as { type: string; delivery: string });
    res.sendStatus(204);
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/incidents`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the documented Express receiver', () => {
  it('accepts the notifier’s trigger and resolve; refuses an old delivery and a wrong secret', async () => {
    const q = createNotifyQueue({ notifiers: [webhook({ url, secret: SECRET })], minDelayMs: 1 });
    const inc = incident('inc-rx');
    q.notify(trigger(inc));
    q.notify(resolve(inc));
    await q.close();
    expect(accepted.map((a) => [a.type, a.delivery])).toEqual([
      ['incident.trigger', 'inc-rx:trigger'],
      ['incident.resolve', 'inc-rx:resolve'],
    ]);

    const body = JSON.stringify({ type: 'incident.trigger', delivery: 'replayed' });
    const post = (header: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: header }, body });
    const old = Math.floor(Date.now() / 1000) - 3_600;
    const replay = await post(signWebhookPayload(body, SECRET, old));
    expect([replay.status, await replay.text()]).toEqual([401, 'expired']);
    const forged = await post(signWebhookPayload(body, 'guessed'));
    expect([forged.status, await forged.text()]).toEqual([401, 'mismatch']);
    expect(accepted).toHaveLength(2);
  });
});
