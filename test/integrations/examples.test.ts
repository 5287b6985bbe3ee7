import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startExpressChat } from '../../examples/express-chat/server.js';
import { startFastifyChat } from '../../examples/fastify-chat/server.js';

// The examples run against their embedded simulated model through the real openai SDK.
const examples = [
  ['express-chat', () => startExpressChat({ logger: pino({ level: 'silent' }), adminToken: 't0ken' })],
  ['fastify-chat', () => startFastifyChat({ logger: false, adminToken: 't0ken' })],
] as const;

describe.each(examples)('%s example', (_name, start) => {
  it('chats, replaces a blocked reply with the backup model, serves metrics and guards its admin routes', async () => {
    const { url, close } = await start();
    try {
      const chat = (message: string) =>
        fetch(`${url}/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'demo-1' },
          body: JSON.stringify({ message }),
        });
      const ok = await chat('hello');
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        model: 'sim-primary',
        reply: '(sim-primary) Happy to help with: hello',
        requestId: 'demo-1',
      });
      const blocked = await chat('#misbehave now');
      expect(await blocked.json()).toMatchObject({ model: 'sim-backup' });

      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain(
        'safety_breaker_blocked_outputs_total{breaker="chat",route="primary",detector="toxicity"} 1',
      );
      expect((await fetch(`${url}/admin/breakers`)).status).toBe(401);
      const forced = await fetch(`${url}/admin/breakers/chat/force-open`, {
        method: 'POST',
        headers: { authorization: 'Bearer t0ken', 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'drill' }),
      });
      expect(forced.status).toBe(200);
      // Forced open: the backup model serves.
      expect(await (await chat('hello')).json()).toMatchObject({ model: 'sim-backup' });
    } finally {
      await close();
    }
  });
});
