/**
 * The Redis store on a Redis Cluster (three masters, ioredis `Cluster`): a breaker's keys share a
 * slot through their hash tag, so its scripts and pipelines run there, and replicas share state
 * and outcomes as on one server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from 'ioredis';
import { guard } from '../../src/guard.js';
import { redisStore, type RedisStore } from '../../src/entries/redis.js';
import { needsTool } from '../tools.js';
import { flagger } from '../guard/helpers.js';
import { startRedisCluster, type RedisCluster } from './servers.js';

const HINT = 'install the Debian package redis-server (it brings redis-cli)';
let cluster: RedisCluster | undefined;
const clients: Cluster[] = [];
const stores: RedisStore[] = [];
const guards: { dispose(): void }[] = [];

beforeAll(async () => {
  try {
    cluster = await startRedisCluster();
  } catch {
    cluster = undefined;
  }
}, 30_000);
afterAll(async () => {
  await cluster?.stop();
});
afterEach(async () => {
  for (const g of guards.splice(0)) g.dispose();
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.quit()));
});

function nodes(ctx: TestContext): RedisCluster['nodes'] {
  needsTool(ctx, 'redis-server', HINT);
  needsTool(ctx, 'redis-cli', HINT);
  if (!cluster) throw new Error('redis-server is installed but the cluster did not start');
  return cluster.nodes;
}

function replica(name: string, startNodes: RedisCluster['nodes']) {
  const client = new Cluster([...startNodes]);
  clients.push(client);
  const store = redisStore({ client });
  stores.push(store);
  const answer = { text: 'fine answer' };
  const g = guard(async (_prompt: string) => answer.text, {
    name,
    store,
    detectors: [flagger()],
    fallbacks: [async () => 'fallback answer'],
    trip: [{ policy: 'rate', threshold: 0.5, minimumCalls: 10, window: { kind: 'count', size: 10 } }],
    recovery: { afterMs: 30_000, backoff: 1, capMs: 30_000, probes: 1 },
    retry: false,
  });
  guards.push(g);
  return { g, answer, store };
}

describe('redisStore on a Redis Cluster', () => {
  it('replicas count outcomes together and a trip reaches the other', async (ctx) => {
    const startNodes = nodes(ctx);
    // Three names, three hash tags: breakers in different slots, each working wherever its slot lives.
    for (const name of ['chat', 'search', 'summarize']) {
      const a = replica(name, startNodes);
      const b = replica(name, startNodes);
      await Promise.all([a.g.ready(), b.g.ready()]);
      for (let i = 0; !(a.store.stats()[name]?.connected && b.store.stats()[name]?.connected); i++) {
        if (i > 200) throw new Error('the store never connected to the cluster');
        await sleep(10);
      }
      a.answer.text = b.answer.text = 'MEH';
      for (let i = 0; i < 5; i++) await a.g('q');
      await sleep(100);
      for (let i = 0; i < 5; i++) await b.g('q');
      expect(b.g.state, name).toBe('open'); // 5 + 5 calls: neither alone had the minimum of 10
      for (let i = 0; a.g.state !== 'open'; i++) {
        if (i > 100) throw new Error(`${name}: the trip did not reach the other replica`);
        await sleep(5);
      }
    }
  });
});
