/**
 * The Redis store on the topologies users configure through ioredis: a Redis Cluster (three
 * masters, ioredis `Cluster`: a breaker's keys share a slot through their hash tag, so its scripts
 * and pipelines run there) and a master found through Sentinel. Replicas share state and outcomes
 * as on one server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, Redis } from 'ioredis';
import { guard } from '../../src/guard.js';
import { redisStore, type RedisStore } from '../../src/entries/redis.js';
import { needsTool } from '../tools.js';
import { flagger } from '../guard/helpers.js';
import {
  startRedis,
  startRedisCluster,
  startSentinel,
  type RedisCluster,
  type RedisSentinel,
  type RedisServer,
} from './servers.js';

const HINT = 'install the Debian package redis-server (it brings redis-cli)';
let cluster: RedisCluster | undefined;
let master: RedisServer | undefined;
let sentinel: RedisSentinel | undefined;
const clients: (Cluster | Redis)[] = [];
const stores: RedisStore[] = [];
const guards: { dispose(): void }[] = [];

beforeAll(async () => {
  try {
    cluster = await startRedisCluster();
    master = await startRedis();
    sentinel = await startSentinel(master);
  } catch {
    // needsTool names what is missing; a tool that is there but failed to start fails the test
  }
}, 30_000);
afterAll(async () => {
  await cluster?.stop();
  await sentinel?.stop();
  await master?.stop();
});
afterEach(async () => {
  for (const g of guards.splice(0)) g.dispose();
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.quit()));
});

function tools(ctx: TestContext): void {
  needsTool(ctx, 'redis-server', HINT);
  needsTool(ctx, 'redis-cli', HINT);
}

function replica(name: string, connect: () => Cluster | Redis) {
  const client = connect();
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

/** Two replicas per breaker name: 5 + 5 flagged calls trip on the sum, and the trip reaches the other replica. */
async function sharesOneBreaker(names: readonly string[], connect: () => Cluster | Redis): Promise<void> {
  for (const name of names) {
    const a = replica(name, connect);
    const b = replica(name, connect);
    await Promise.all([a.g.ready(), b.g.ready()]);
    const sharing = (r: typeof a) => r.store.stats()[name]?.connected && r.store.stats()[name]?.subscribed;
    for (let i = 0; !(sharing(a) && sharing(b)); i++) {
      if (i > 300) throw new Error(`${name}: the store never connected`);
      await sleep(10);
    }
    a.answer.text = b.answer.text = 'MEH';
    for (let i = 0; i < 5; i++) await a.g('q');
    await sleep(100);
    for (let i = 0; i < 5; i++) await b.g('q');
    expect(b.g.state, name).toBe('open'); // neither replica alone had the minimum of 10 calls
    for (let i = 0; a.g.state !== 'open'; i++) {
      if (i > 100) throw new Error(`${name}: the trip did not reach the other replica`);
      await sleep(5);
    }
  }
}

describe('redisStore through ioredis topologies', () => {
  it('a Redis Cluster: replicas count outcomes together and a trip reaches the other', async (ctx) => {
    tools(ctx);
    if (!cluster) throw new Error('redis-server is installed but the cluster did not start');
    const nodes = cluster.nodes;
    // Three names, three hash tags: breakers in different slots, each working wherever its slot lives.
    await sharesOneBreaker(['chat', 'search', 'summarize'], () => new Cluster([...nodes]));
  });

  it('a master found through Sentinel: the same', async (ctx) => {
    tools(ctx);
    if (!sentinel) throw new Error('redis-server is installed but the sentinel did not start');
    const { sentinels, name } = sentinel;
    await sharesOneBreaker(['chat'], () => new Redis({ sentinels: [...sentinels], name }));
  });
});
