/**
 * Replicas as separate Node processes sharing one breaker through a real redis-server: trips
 * propagate to the other processes in well under 100 ms, a half-open episode runs exactly k
 * probes across all of them, and a Redis killed mid-run fails no call and loses no open breaker.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { needsTool } from '../tools.js';
import { spawnReplica, tripDelays, type ReplicaProcess } from './replicas.js';
import { startRedis, type RedisServer } from './servers.js';

let redis: RedisServer | undefined;
let replicas: ReplicaProcess[] = [];

beforeAll(async () => {
  try {
    redis = await startRedis();
  } catch {
    redis = undefined;
  }
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.exit()));
  replicas = [];
});

async function three(ctx: TestContext, name: string, recovery: { probes: number; afterMs: number }) {
  needsTool(ctx, 'redis-server', 'install the Debian package redis-server');
  if (!redis) throw new Error('redis-server is installed but did not start');
  replicas = await Promise.all([0, 1, 2].map(() => spawnReplica(redis!.url, name, recovery)));
  return replicas;
}

const opened = (m: { ev: string; to?: string }) => m.ev === 'transition' && m.to === 'open';
const closed = (m: { ev: string; to?: string }) => m.ev === 'transition' && m.to === 'closed';

describe('three processes on one Redis', () => {
  it(
    'a trip in one is seen by the other two in under 100 ms (p99 over 50 trips)',
    { timeout: 120_000 },
    async (ctx) => {
      const all = await three(ctx, `procs-trip-${process.pid}`, { probes: 1, afterMs: 30_000 });
      const delays = await tripDelays(all, 50);
      delays.sort((x, y) => x - y);
      const p99 = delays[Math.ceil(delays.length * 0.99) - 1]!;
      expect(delays).toHaveLength(100);
      expect(p99).toBeLessThan(100);
    },
  );

  it('a half-open episode runs exactly k probes in total', { timeout: 60_000 }, async (ctx) => {
    const k = 3;
    const all = await three(ctx, `procs-probe-${process.pid}`, { probes: k, afterMs: 300 });
    const marks = all.map((r) => r.messages.length);
    await all[0]!.send({ op: 'calls', n: 5, text: 'MEH' });
    await Promise.all(all.map((r, i) => r.next(opened, 5_000, marks[i])));
    // Healthy traffic on every process from now on: all three are in half-open at once.
    await Promise.all(all.map((r) => r.send({ op: 'run', text: 'fine answer', everyMs: 5 })));
    await Promise.all(all.map((r, i) => r.next(closed, 10_000, marks[i])));
    const replies = await Promise.all(all.map((r) => r.send({ op: 'stop' })));
    const probes = replies.map((r) => r.counts!.probes);
    expect(probes.reduce((x, y) => x + y)).toBe(k);
    expect(probes.filter((n) => n > 0)).toHaveLength(1); // one lease holder ran them all
    expect(replies.map((r) => r.state)).toEqual(['closed', 'closed', 'closed']);
  });

  it(
    'Redis killed mid-run: no call fails, each process counts the outage, and a trip made meanwhile reaches all',
    { timeout: 60_000 },
    async (ctx) => {
      const all = await three(ctx, `procs-kill-${process.pid}`, { probes: 1, afterMs: 30_000 });
      const [a, b, c] = all as [ReplicaProcess, ReplicaProcess, ReplicaProcess];
      await Promise.all([b, c].map((r) => r.send({ op: 'run', text: 'fine answer', everyMs: 2 })));
      await sleep(200);
      await redis!.kill();
      await sleep(300);
      // a trips while Redis is gone: only a knows.
      const marks = all.map((r) => r.messages.length);
      const tripped = await a.send({ op: 'calls', n: 5, text: 'MEH' });
      expect(tripped.state).toBe('open');
      await sleep(300);
      expect(b.messages.slice(marks[1]).some(opened)).toBe(false);
      await redis!.start(); // empty: no persistence
      await Promise.all([b, c].map((r, i) => r.next(opened, 10_000, marks[i + 1])));
      // Each main connection reconnects on its own schedule (ioredis backs off), apart from its subscriber.
      for (const r of all) {
        for (let tries = 0; !(await r.send({ op: 'stats' })).store!.connected; tries++) {
          if (tries > 100) throw new Error('a replica never reconnected');
          await sleep(50);
        }
      }
      const replies = await Promise.all([b, c].map((r) => r.send({ op: 'stop' })));
      const aStats = await a.send({ op: 'stats' });
      for (const r of [...replies, aStats]) {
        expect(r.counts!.failed).toBe(0);
        expect(r.store!.degradations).toBeGreaterThanOrEqual(1);
        expect(r.store!.connected, 'connected again').toBe(true);
        expect(r.state).toBe('open');
      }
      for (const r of replies) expect(r.counts!.calls).toBeGreaterThan(100);
    },
  );
});
