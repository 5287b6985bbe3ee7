/**
 * One replica as its own Node process, driven by the multi-process tests (replicas.ts) over
 * stdin/stdout, one JSON object per line. argv: Redis URL, breaker name, probes (k), recovery delay (ms).
 *
 * In: { op: 'calls', n, text } runs n calls in a row; { op: 'run', text, everyMs } keeps calling
 * until { op: 'stop' }; { op: 'text', text } changes the answer; { op: 'reset' }; { op: 'stats' };
 * { op: 'exit' }. Out: { ev: 'transition', from, to, seenAt } for each change, { ev: 'reply', … }
 * for each command.
 */
import { createInterface } from 'node:readline';
import { guard } from '../../src/guard.js';
import { redisStore } from '../../src/entries/redis.js';
import { monotonicNow } from '../../src/clock.js';
import { flagger } from '../guard/helpers.js';

const [url, name, probes, afterMs] = process.argv.slice(2) as [string, string, string, string];
const store = redisStore({ url });
let text = 'fine answer';
const g = guard(async (_prompt: string) => text, {
  name,
  store,
  detectors: [flagger()],
  fallbacks: [async () => 'fallback answer'],
  trip: [{ policy: 'rate', threshold: 0.5, minimumCalls: 5, window: { kind: 'count', size: 5 } }],
  recovery: { afterMs: Number(afterMs), backoff: 1, capMs: Number(afterMs), probes: Number(probes) },
  retry: false,
});
const counts = { calls: 0, failed: 0, probes: 0, primary: 0, fallback: 0 };
g.on('outcome', (o) => {
  if (o.probe) counts.probes++;
});
g.on('transition', (t) => out({ ev: 'transition', from: t.from, to: t.to, seenAt: monotonicNow() }));

function out(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function call(): Promise<void> {
  counts.calls++;
  try {
    const answer = await g('q');
    if (answer === 'fallback answer') counts.fallback++;
    else counts.primary++;
  } catch {
    counts.failed++; // a call that failed: none should, whatever Redis does
  }
}

let running: Promise<void> | undefined;
let stopping = false;

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  void (async () => {
    const command = JSON.parse(line) as { op: string; n?: number; text?: string; everyMs?: number };
    if (command.text !== undefined) text = command.text;
    switch (command.op) {
      case 'calls':
        for (let i = 0; i < command.n!; i++) await call();
        break;
      case 'run':
        stopping = false;
        running = (async () => {
          while (!stopping) {
            await call();
            await new Promise((r) => setTimeout(r, command.everyMs ?? 5));
          }
        })();
        break;
      case 'stop':
        stopping = true;
        await running;
        break;
      case 'reset':
        g.reset('test');
        break;
      case 'exit':
        g.dispose();
        await store.close();
        out({ ev: 'reply', op: 'exit' });
        process.exit(0);
    }
    out({ ev: 'reply', op: command.op, state: g.state, counts, store: store.stats()[name] });
  })();
});
await g.ready();
// Ready once this replica hears the others: its link connected and its subscription confirmed.
for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 5))) {
  const link = store.stats()[name];
  if (link?.connected && link.subscribed) break;
}
out({ ev: 'ready' });
