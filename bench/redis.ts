/**
 * `npm run bench:redis`: what the Redis store costs a guarded call, on loopback, against the
 * in-memory store. A real redis-server (started here on a free port, stopped at the end) and two
 * more replica processes sharing the breaker with live traffic, so the measured replica also
 * receives and counts their outcomes. Measures per-call latency (p50, p99) with each store in
 * alternating blocks, sequential calls per second, Redis commands per call and per second, and
 * trip propagation between three processes. Writes the "redis" section of bench/RESULTS.md.
 */
import { Redis } from 'ioredis';
import { guard } from '../src/guard.js';
import { memoryStore } from '../src/store/memory.js';
import { redisStore } from '../src/entries/redis.js';
import type { BreakerStore } from '../src/store/types.js';
import { flagger } from '../test/guard/helpers.js';
import { spawnReplica, tripDelays } from '../test/redis/replicas.js';
import { startRedis } from '../test/redis/servers.js';
import { machineLine, writeSection } from './results-file.js';

const BLOCKS = 20;
const CALLS_PER_BLOCK = 10_000;
const THROUGHPUT_MS = 4_000;
const TRIPS = 50;

const redis = await startRedis();
const name = 'bench';
// The model answers on the next turn of the event loop, as real I/O does, so the store's timer runs between calls.
const answer = (_prompt: string): Promise<string> => new Promise((resolve) => setImmediate(resolve, 'fine answer'));
const build = (store: BreakerStore) =>
  guard(answer, { name, store, detectors: [flagger()], fallbacks: [async () => 'fallback'], retry: false });

const shared = redisStore({ url: redis.url });
const withRedis = build(shared);
const inMemory = build(memoryStore());
await Promise.all([withRedis.ready(), inMemory.ready()]);
// Two more replicas of the breaker, each calling about once per millisecond.
const others = await Promise.all([0, 1].map(() => spawnReplica(redis.url, name, { probes: 1, afterMs: 30_000 })));
await Promise.all(others.map((r) => r.send({ op: 'run', text: 'fine answer', everyMs: 1 })));

type Guarded = typeof withRedis;
async function block(g: Guarded, into: number[]): Promise<void> {
  for (let i = 0; i < CALLS_PER_BLOCK; i++) {
    const t = performance.now();
    await g('q');
    into.push(performance.now() - t);
  }
}

// Warm-up, then alternating blocks so both stores see the same machine load.
await block(inMemory, []);
await block(withRedis, []);
const latency = { memory: [] as number[], redis: [] as number[] };
for (let b = 0; b < BLOCKS; b++) {
  await block(inMemory, latency.memory);
  await block(withRedis, latency.redis);
}

/** Sequential calls per second, in alternating slices of each guard (machine load changes; both see the same). */
async function throughputs(): Promise<{ memory: number; redis: number }> {
  const total = { memory: { calls: 0, ms: 0 }, redis: { calls: 0, ms: 0 } };
  for (let slice = 0; slice < THROUGHPUT_MS / 250; slice++) {
    for (const [which, g] of [
      ['memory', inMemory],
      ['redis', withRedis],
    ] as const) {
      const t = performance.now();
      const end = t + 125;
      while (performance.now() < end) {
        for (let i = 0; i < 100; i++) await g('q');
        total[which].calls += 100;
      }
      total[which].ms += performance.now() - t;
    }
  }
  return {
    memory: (total.memory.calls / total.memory.ms) * 1_000,
    redis: (total.redis.calls / total.redis.ms) * 1_000,
  };
}
const tp = await throughputs();

// Commands of a replica calling as fast as it can, alone in this process (the timer's round trips only).
const busy = { commands: shared.stats()[name]!.commands, calls: 0, ms: performance.now() };
while (performance.now() - busy.ms < 2_000) {
  for (let i = 0; i < 100; i++) await withRedis('q');
  busy.calls += 100;
}
busy.ms = performance.now() - busy.ms;
busy.commands = shared.stats()[name]!.commands - busy.commands;

// Commands per second of a replica with no traffic of its own (the two others keep calling).
const idle0 = shared.stats()[name]!.commands;
await new Promise((r) => setTimeout(r, 2_000));
const idlePerSecond = (shared.stats()[name]!.commands - idle0) / 2;

// Server side: every command all three replicas sent, per call they made.
const admin = new Redis(redis.url);
const info = await admin.info('commandstats');
const serverCommands = [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
const otherCalls = (await Promise.all(others.map((r) => r.send({ op: 'stop' })))).reduce(
  (sum, r) => sum + r.counts!.calls,
  0,
);
const ownCalls = withRedis.stats().calls.total;
admin.disconnect();

withRedis.dispose();
inMemory.dispose();
await shared.close();
await Promise.all(others.map((r) => r.exit()));

// Trip propagation: three fresh processes (no background traffic).
const trio = await Promise.all(
  [0, 1, 2].map(() => spawnReplica(redis.url, 'bench-trips', { probes: 1, afterMs: 30_000 })),
);
await new Promise((r) => setTimeout(r, 200));
const delays = (await tripDelays(trio, TRIPS)).sort((a, b) => a - b);
await Promise.all(trio.map((r) => r.exit()));
await redis.stop();

const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)]!;
};
const us = (ms: number): string => `${(ms * 1_000).toFixed(1)} µs`;
const row = (label: string, xs: number[]) =>
  `| ${label} | ${us(q(xs, 0.5))} | ${us(q(xs, 0.99))} | ${us(q(xs, 0.999))} |`;
const added = {
  p50: q(latency.redis, 0.5) - q(latency.memory, 0.5),
  p99: q(latency.redis, 0.99) - q(latency.memory, 0.99),
};

const markdown = `## Redis store: cost per call and trip propagation (\`npm run bench:redis\`)

${machineLine()} redis-server ${(await import('node:child_process')).execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? '?'} on loopback, started by the bench.

One guard calls a model that answers on the next turn of the event loop (\`setImmediate\`, as I/O would), with the in-memory store and with \`redisStore({ url })\`
(defaults: \`flushMs\` 20, \`timeoutMs\` 50), in ${BLOCKS} alternating blocks of ${CALLS_PER_BLOCK.toLocaleString('en')} sequential calls
each; two more replica processes of the same breaker call about once per millisecond each the whole time,
so the measured replica also reads and counts their outcomes.

| store | p50 per call | p99 | p99.9 |
|---|---|---|---|
${row('in memory', latency.memory)}
${row('Redis', latency.redis)}

Added by the Redis store: **p50 ${us(added.p50)}, p99 ${us(added.p99)}** (target: p99 under 1 ms).

| | in memory | Redis |
|---|---|---|
| sequential calls per second, one replica | ${Math.round(tp.memory).toLocaleString('en')} | ${Math.round(tp.redis).toLocaleString('en')} |
| Redis commands per call, this replica calling flat out for 2 s (${Math.round((busy.calls / busy.ms) * 1_000).toLocaleString('en')} calls/s) | — | ${(busy.commands / busy.calls).toExponential(1)} (${Math.round((busy.commands / busy.ms) * 1_000)} per second) |
| Redis commands per second, this replica without calls of its own | — | ${idlePerSecond.toFixed(0)} |
| all commands the server ran, per call of all three replicas | — | ${(serverCommands / (ownCalls + otherCalls)).toFixed(3)} (${serverCommands.toLocaleString('en')} for ${(ownCalls + otherCalls).toLocaleString('en')} calls) |

Commands are per round trip, not per call: one pipeline every \`flushMs\` (the batch of outcomes, the read of
the others' batches, and every \`syncMs\` a state read and an expiry), plus one script per state change and per
probe lease. A replica sends about ${idlePerSecond.toFixed(0)} commands per second without calls of its own and
${Math.round((busy.commands / busy.ms) * 1_000)} with them, however many calls it makes; commands per call fall as traffic grows.
Throughput on this shared 2-core machine varies by ± 50 % from one run to the next (other work runs beside
the bench); the slices alternate so both stores see the same load.

Trip propagation, three processes on one Redis, ${TRIPS} trips (each process in turn), time from the tripping
process's own transition to each other process's (one machine's clock): **p50 ${delays[Math.floor(delays.length / 2)]!.toFixed(2)} ms,
p99 ${q(delays, 0.99).toFixed(2)} ms, max ${delays[delays.length - 1]!.toFixed(2)} ms** over ${delays.length} observations (target: p99 under 100 ms).
`;
writeSection('redis', markdown);
console.log(markdown);
