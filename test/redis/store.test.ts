/**
 * The Redis store against a real redis-server, replicas as guards in this process (each with a
 * store and a connection of its own, as separate processes would have): state changes reach the
 * other replicas, outcomes count once across them, half-open probes run k in all, a slow or
 * partitioned Redis never slows a call, and a restarted replica keeps its learned baseline.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { guard, type GuardEvents } from '../../src/guard.js';
import type { GuardOptions } from '../../src/options.js';
import { redisStore, type RedisStore } from '../../src/entries/redis.js';
import { needsTool } from '../tools.js';
import { flagger } from '../guard/helpers.js';
import { startProxy, startRedis, type Proxy, type RedisServer } from './servers.js';

const HINT = 'install the Debian package redis-server';
let redis: RedisServer | undefined;
const open: { stores: RedisStore[]; guards: { dispose(): void }[] } = { stores: [], guards: [] };

beforeAll(async () => {
  try {
    redis = await startRedis();
  } catch {
    redis = undefined; // needsTool reports it per test
  }
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(async () => {
  for (const g of open.guards.splice(0)) g.dispose();
  await Promise.all(open.stores.splice(0).map((s) => s.close()));
});

function server(ctx: TestContext): RedisServer {
  needsTool(ctx, 'redis-server', HINT);
  if (!redis) throw new Error('redis-server is installed but did not start');
  return redis;
}

let names = 0;
/** A fresh breaker name per test: replicas of one test share it, tests do not. */
const breakerName = (): string => `t${process.pid}-${++names}`;

function store(url: string, options: Partial<Parameters<typeof redisStore>[0]> = {}): RedisStore {
  const s = redisStore({ url, ...options });
  open.stores.push(s);
  return s;
}

/** A replica: a guard whose model answers what `answer.text` says. */
type Model = (prompt: string) => Promise<string>;

/** Stays open through a whole fault test (the default of these tests reaches half-open after 200 ms). */
const LONG_OPEN = { recovery: { afterMs: 30_000, backoff: 1, capMs: 30_000, probes: 2 } };

function replica(name: string, s: RedisStore, extra: Partial<GuardOptions<Model>> = {}) {
  const answer = { text: 'fine answer', primaryCalls: 0 };
  const g = guard<Model>(
    async () => {
      answer.primaryCalls++;
      return answer.text;
    },
    {
      name,
      store: s,
      detectors: [flagger()],
      fallbacks: [async () => 'fallback answer'],
      trip: [{ policy: 'rate', threshold: 0.5, minimumCalls: 10, window: { kind: 'count', size: 10 } }],
      recovery: { afterMs: 200, backoff: 1, capMs: 200, probes: 2 },
      retry: false,
      ...extra,
    },
  );
  open.guards.push(g);
  return { g, answer, store: s };
}

/** Waits until each store's link of `name` is connected and subscribed: from then on nothing is missed. */
async function sharing(name: string, ...stores: RedisStore[]): Promise<void> {
  await until('every replica shares', () =>
    stores.every((s) => s.stats()[name]?.connected === true && s.stats()[name]?.subscribed === true),
  );
}

async function until(what: string, test: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Two replicas of a fresh breaker on the test server, sharing. */
async function pair(ctx: TestContext) {
  const { url } = server(ctx);
  const name = breakerName();
  const a = replica(name, store(url));
  const b = replica(name, store(url));
  await sharing(name, a.store, b.store);
  return { name, a, b };
}

describe('redisStore: replicas share one breaker', () => {
  it('a trip on one replica opens the others within 100 ms', async (ctx) => {
    const { a, b } = await pair(ctx);
    a.answer.text = 'MEH';
    const seen: GuardEvents['transition'][] = [];
    b.g.on('transition', (t) => seen.push(t));
    for (let i = 0; i < 10; i++) await a.g('q');
    expect(a.g.state).toBe('open');
    const tripped = performance.now();
    await until('replica b opens', () => b.g.state === 'open', 100);
    expect(performance.now() - tripped).toBeLessThan(100);
    expect(seen[0]).toMatchObject({ from: 'closed', to: 'open' });
    expect(seen[0]!.reason).toContain('on replica');
    // b now serves its fallback without asking its primary.
    const before = b.answer.primaryCalls;
    expect(await b.g('q')).toBe('fallback answer');
    expect(b.answer.primaryCalls).toBe(before);
  });

  it('outcomes count once across replicas: neither has enough calls alone, together they trip', async (ctx) => {
    const { a, b } = await pair(ctx);
    a.answer.text = b.answer.text = 'MEH';
    const trips: GuardEvents['trip'][] = [];
    a.g.on('trip', (t) => trips.push(t));
    b.g.on('trip', (t) => trips.push(t));
    for (let i = 0; i < 5; i++) await a.g('q');
    await sleep(80); // a's batch reaches b
    expect(b.g.state).toBe('closed');
    for (let i = 0; i < 5; i++) await b.g('q');
    expect(b.g.state).toBe('open');
    // b tripped on 10 calls: its own 5 and a's 5, each once.
    expect(trips[0]!.decision.details).toMatchObject({ calls: 10, bad: 10 });
    await until('replica a opens', () => a.g.state === 'open');
  });

  it('a half-open episode runs k probes in all, on the replica holding the lease', async (ctx) => {
    const { url } = server(ctx);
    const name = breakerName();
    const replicas = [0, 1, 2].map(() => replica(name, store(url)));
    await Promise.all(replicas.map((r) => r.g.ready()));
    await sharing(name, ...replicas.map((r) => r.store));
    const probes = replicas.map(() => 0);
    replicas.forEach((r, i) =>
      r.g.on('outcome', (o) => {
        if (o.probe) probes[i]!++;
      }),
    );
    replicas[0]!.answer.text = 'MEH';
    for (let i = 0; i < 10; i++) await replicas[0]!.g('q');
    await until('every replica opens', () => replicas.every((r) => r.g.state === 'open'));
    replicas[0]!.answer.text = 'fine answer';
    await sleep(220); // the recovery delay
    // Traffic on every replica until all are closed again.
    for (let round = 0; !replicas.every((r) => r.g.state === 'closed'); round++) {
      if (round > 500) throw new Error(`not closed: ${replicas.map((r) => r.g.state).join(', ')}`);
      await Promise.all(replicas.map((r) => r.g('q')));
      await sleep(2);
    }
    expect(probes.reduce((a, b) => a + b)).toBe(2);
    expect(probes.filter((n) => n > 0)).toHaveLength(1);
  });

  it('a client of your own, even one made with lazyConnect, is used as it is and left open', async (ctx) => {
    const { url } = server(ctx);
    const client = new Redis(url, { lazyConnect: true });
    try {
      const name = breakerName();
      const s = redisStore({ client });
      const a = replica(name, s);
      const b = replica(name, store(url));
      await until('connected', () => s.stats()[name]?.connected === true);
      a.answer.text = 'MEH';
      for (let i = 0; i < 10; i++) await a.g('q');
      await until('b opens', () => b.g.state === 'open');
      a.g.dispose();
      await s.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('bad options name the option', () => {
    expect(() => redisStore({} as never)).toThrow(/redisStore\(\): .*exactly one of "client".*"url"/);
    expect(() => redisStore({ url: 'redis://x', prefix: 'a{b}' })).toThrow(/option "prefix": must have no braces/);
    expect(() => redisStore({ url: 'redis://x', timeoutMs: -1 } as never)).toThrow(/option "timeoutMs"/);
    // The URL is not echoed: it may carry the password.
    for (const url of ['localhost:6379', 'http://127.0.0.1:6379', 'redis://:hunter2@bad host'])
      expect(() => redisStore({ url })).toThrow(
        new TypeError(
          'redisStore(): option "url": must be a redis:// or rediss:// URL (not shown: it may hold a password)',
        ),
      );
  });
});

type Replica = ReturnType<typeof replica>;

/**
 * Two replicas of a fresh breaker, `a` on Redis and `far` through a proxy in front of it, both
 * sharing before `body` runs; the proxy is closed after it.
 */
async function acrossProxy(
  ctx: TestContext,
  farOptions: Partial<Parameters<typeof redisStore>[0]>,
  body: (parts: { name: string; a: Replica; far: Replica; proxy: Proxy }) => Promise<void>,
): Promise<void> {
  const { url, port } = server(ctx);
  const proxy = await startProxy(port);
  try {
    const name = breakerName();
    const a = replica(name, store(url), LONG_OPEN);
    const far = replica(name, store(proxy.url, farOptions), LONG_OPEN);
    await sharing(name, a.store, far.store);
    await body({ name, a, far, proxy });
  } finally {
    await proxy.close();
  }
}

describe('redisStore: metrics', () => {
  it('a replica that never lost Redis shows connected 1 and no degradation, so the alerts see every breaker', async (ctx) => {
    const { url } = server(ctx);
    const name = breakerName();
    const registry = new Registry();
    const s = store(url, { registry });
    replica(name, s);
    await sharing(name, s);
    // `store_connected == 0` and `increase(store_degraded_total[1h])` need these series before the first outage.
    expect(await registry.getSingleMetricAsString('safety_breaker_store_connected')).toContain(
      `safety_breaker_store_connected{breaker="${name}"} 1`,
    );
    expect(await registry.getSingleMetricAsString('safety_breaker_store_degraded_total')).toContain(
      `safety_breaker_store_degraded_total{breaker="${name}"} 0`,
    );
  });
});

describe('redisStore: faults', () => {
  it('a slow Redis never slows a call; the replica runs alone, counts it, and catches up when Redis is fast again', async (ctx) => {
    const registry = new Registry();
    await acrossProxy(ctx, { registry }, async ({ name, a, far: c, proxy }) => {
      const before = c.store.stats()[name]!.degradations; // a slow start on a busy machine counts too
      proxy.delayMs = 2_000; // nothing c sends or is sent arrives during the calls below
      // a trips while c's Redis answers too slowly to hear of it.
      a.answer.text = 'MEH';
      for (let i = 0; i < 10; i++) await a.g('q');
      let slowest = 0;
      for (let i = 0; i < 40; i++) {
        const started = performance.now();
        expect(await c.g('q')).toBe('fine answer'); // c serves its primary on its own state
        slowest = Math.max(slowest, performance.now() - started);
        await sleep(5);
      }
      expect(slowest).toBeLessThan(50);
      expect(c.g.state).toBe('closed');
      const stats = c.store.stats()[name]!;
      expect(stats.connected).toBe(false);
      expect(stats.degradations).toBe(before + 1);
      expect(await registry.getSingleMetricAsString('safety_breaker_store_degraded_total')).toContain(
        `safety_breaker_store_degraded_total{breaker="${name}"} ${before + 1}`,
      );
      proxy.delayMs = 0;
      await until('c takes the open state', () => c.g.state === 'open', 6_000);
      await until('c is connected again', () => c.store.stats()[name]!.connected, 6_000);
    });
  });

  it('a trip made during a partition is never lost: the others open when it heals', async (ctx) => {
    await acrossProxy(ctx, {}, async ({ a, far: cut, proxy }) => {
      proxy.partition();
      cut.answer.text = 'MEH';
      for (let i = 0; i < 10; i++) await cut.g('q');
      expect(cut.g.state).toBe('open');
      await sleep(150);
      expect(a.g.state).toBe('closed');
      proxy.heal();
      // ioredis reconnects; the link's next round trip reconciles.
      await until('a takes the open state', () => a.g.state === 'open', 5_000);
    });
  });

  it('a stale open state never re-opens the others: a replica cut off while they closed takes the newer close', async (ctx) => {
    await acrossProxy(ctx, {}, async ({ a, far: cut, proxy }) => {
      a.answer.text = 'MEH';
      for (let i = 0; i < 10; i++) await a.g('q');
      await until('cut opens', () => cut.g.state === 'open');
      proxy.partition();
      a.g.reset('the operator closed it'); // newer than the open the cut replica still holds
      await sleep(100);
      expect(cut.g.state).toBe('open');
      proxy.heal();
      await until('cut takes the close', () => cut.g.state === 'closed', 5_000);
      await sleep(100);
      expect(a.g.state).toBe('closed');
    });
  });

  it('Redis unreachable from the start: calls go on at once, and the state is shared when it comes', async (ctx) => {
    const { url } = server(ctx);
    const nobody = 'redis://127.0.0.1:1';
    const name = breakerName();
    const s = store(nobody);
    const lonely = replica(name, s);
    const started = performance.now();
    expect(await lonely.g('q')).toBe('fine answer');
    expect(performance.now() - started).toBeLessThan(200);
    await sleep(100);
    expect(s.stats()[name]).toMatchObject({ connected: false, degradations: 1 });
    // Another replica on the real server is unaffected.
    const a = replica(name, store(url));
    expect(await a.g('q')).toBe('fine answer');
  });
});

describe('redisStore: learned baselines', () => {
  it('a restarted replica keeps the CUSUM baseline the breaker learned', async (ctx) => {
    const { url } = server(ctx);
    const name = breakerName();
    const trip = [{ policy: 'cusum' as const, warmupCalls: 3_000, shift: 4, falseTripEvery: 1e4 }];
    const first = replica(name, store(url), { trip });
    // 0.5 % bad over the whole warm-up: a baseline learned below the ceiling, frozen at warmupCalls.
    for (let i = 0; i < 3_000; i++) {
      first.answer.text = i % 200 === 0 ? 'MEH' : 'fine answer';
      await first.g('q');
    }
    const learned = first.g.stats().policies[0]!;
    expect(first.g.state).toBe('closed');
    first.g.dispose(); // saves the snapshot
    await sleep(30);

    const restarted = replica(name, store(url), { trip });
    await restarted.g.ready();
    expect(restarted.g.stats().policies[0]!.threshold).toBe(learned.threshold);
    // Without the store a new replica would start cold: tested against the ceiling, another design.
    const alone = replica(`${name}-alone`, store(url), { trip });
    await alone.g.ready();
    expect(alone.g.stats().policies[0]!.threshold).not.toBe(learned.threshold);
  });

  it('a replica that starts while Redis is unreachable restores the baseline once Redis answers', async (ctx) => {
    const { url, port } = server(ctx);
    const name = breakerName();
    const trip = [{ policy: 'cusum' as const, warmupCalls: 3_000, shift: 4, falseTripEvery: 1e4 }];
    const first = replica(name, store(url), { trip });
    // 0.5 % bad over the whole warm-up: a baseline learned below the ceiling, frozen at warmupCalls.
    for (let i = 0; i < 3_000; i++) {
      first.answer.text = i % 200 === 0 ? 'MEH' : 'fine answer';
      await first.g('q');
    }
    const learned = first.g.stats().policies[0]!.threshold;
    first.g.dispose();
    await sleep(30);

    const proxy = await startProxy(port);
    try {
      proxy.partition();
      const late = replica(name, store(proxy.url), { trip });
      await late.g.ready(); // the load gave up after timeoutMs
      expect(late.g.stats().policies[0]!.threshold).not.toBe(learned);
      proxy.heal();
      await until('the baseline is restored', () => late.g.stats().policies[0]!.threshold === learned, 5_000);
    } finally {
      await proxy.close();
    }
  });
});
