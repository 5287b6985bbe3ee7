/**
 * `redisStore()`: one breaker shared by every replica through Redis (docs/replicas.md). State
 * changes are written and published at once; outcomes travel in batches every `flushMs`; one
 * replica at a time holds a half-open episode's probe lease. Redis is never on a call's path, and
 * nothing waits for it longer than `timeoutMs`.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Cluster, Redis } from 'ioredis';
import type * as PromClient from 'prom-client';
import type { BreakerSnapshot } from '../../call/snapshot.js';
import { custom, number, object, optional, refine, string, withDefault } from '../../rules/index.js';
import { describeError, isLogger, silentLogger, type Logger } from '../../telemetry/logging.js';
import { loadOptionalPeer } from '../../telemetry/optional-peer.js';
import { parseOptions } from '../../validation.js';
import type { BreakerStore, ReplicaSide, SharedBreaker } from '../types.js';
import { replies, whenReady, within, type Client } from './client.js';
import { BreakerLink, type LinkContext, type LinkStats } from './link.js';
import { breakerKeys, parseState } from './protocol.js';
import { familyOn } from '../../telemetry/family.js';

export interface RedisStoreOptions {
  /** Your ioredis client: a `Redis` (standalone or Sentinel) or a `Cluster`, configured as you run it. The store never closes it. */
  client?: Redis | Cluster;
  /** Or a `redis://` URL: the store makes (and `close()` closes) a client without an offline queue. */
  url?: string;
  /** First part of every key name (default `safety-breaker`); keys are `<prefix>:{<breaker>}:…`. */
  prefix?: string;
  /** Longest wait for Redis (default 50 ms): a slower answer counts as Redis down, and the breaker runs on its own state. */
  timeoutMs?: number;
  /** How often outcomes are sent and the other replicas' are read (default 20 ms). */
  flushMs?: number;
  /** How often the stored state is read back, in case a published change was missed (default 1 000 ms). */
  syncMs?: number;
  /** How often the full snapshot (windows, learned baselines) is saved for restarts (default 10 000 ms). */
  snapshotMs?: number;
  /** How long a half-open probe lease lasts without a probe (default 5 000 ms); then another replica may take over. */
  leaseMs?: number;
  /** Expiry of every key, renewed while the breaker is in use (default 7 days). */
  ttlMs?: number;
  /** Outcomes kept for sending while Redis is down (default 10 000); more are dropped and counted. */
  maxPending?: number;
  /** Batches kept in the outcome stream (default 10 000, trimmed approximately). */
  maxStreamLength?: number;
  /** This process's name in shared state and logs (default `<hostname>:<pid>:<random>`). */
  replica?: string;
  /** Where degradations and recoveries are logged (pino-compatible). */
  logger?: Logger;
  /** A prom-client Registry for `safety_breaker_store_degraded_total` and `safety_breaker_store_connected`. */
  registry?: PromClient.Registry;
}

export interface RedisStore extends Required<Omit<BreakerStore, 'saveEveryMs'>> {
  /** This process's replica name. */
  readonly replica: string;
  /** What each breaker's link has done, by breaker name (the last link of a name, when several guards share one). */
  stats(): Record<string, Readonly<LinkStats>>;
  /** Stops every link, the subscription, and the client the store made from `url`. */
  close(): Promise<void>;
}

const ms = (min: number, fallback: number) => withDefault(number({ gte: min }), fallback);
const count = (fallback: number) => withDefault(number({ int: true, gte: 1 }), fallback);
const isClient = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as Client).pipeline === 'function' && 'status' in v;

const optionsRule = refine(
  object({
    client: optional(custom<Redis | Cluster>(isClient, 'must be an ioredis Redis or Cluster client')),
    url: optional(string({ min: 1 })),
    prefix: withDefault(
      string({
        min: 1,
        pattern: /^[^{}\s]+$/,
        patternMessage: 'must have no braces or spaces (keys use {…} as a hash tag)',
      }),
      'safety-breaker',
    ),
    timeoutMs: ms(1, 50),
    flushMs: ms(1, 20),
    syncMs: ms(1, 1_000),
    snapshotMs: ms(1, 10_000),
    leaseMs: ms(1, 5_000),
    ttlMs: ms(1_000, 7 * 24 * 3_600_000),
    maxPending: count(10_000),
    maxStreamLength: count(10_000),
    replica: optional(string({ min: 1 })),
    logger: optional(custom<Logger>(isLogger, 'must be a pino-compatible logger (debug, info, warn, error)')),
    registry: optional(
      custom<PromClient.Registry>(
        (v) => typeof (v as PromClient.Registry | null)?.registerMetric === 'function',
        'must be a prom-client Registry',
      ),
    ),
  }),
  (o) => (o.client === undefined) !== (o.url === undefined),
  'give exactly one of "client" (an ioredis client) and "url"',
);

/**
 * A `BreakerStore` shared by every replica of a breaker name through Redis:
 *
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisStore } from 'safety-breaker/redis';
 * const store = redisStore({ client: new Redis(process.env.REDIS_URL) });
 * const chat = guard(callModel, { name: 'chat', store, fallbacks: [callBackup] });
 * ```
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const o = parseOptions(optionsRule, options, 'redisStore()');
  const owned = o.client === undefined;
  const client = (o.client ?? createClient(o.url!)) as unknown as Client;
  const replica = o.replica ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const logger = o.logger ?? silentLogger;
  const metrics = o.registry && storeMetrics(o.registry);
  const links = new Map<string, BreakerLink>();
  const failedLoads = new Set<string>();
  /** Per channel: the listeners of this process's links, and the SUBSCRIBE confirming it. */
  const channels = new Map<string, { listeners: Set<(message: string) => void>; subscribed: Promise<unknown> }>();
  let subscriber: Client | undefined;
  let linkCount = 0;
  // Ours, or the app's: an unhandled 'error' event would crash the process.
  const onError = (): void => {};
  if (owned) client.on('error', onError);
  // A client made with lazyConnect waits for its first command; the store never sends one to a client that is not ready.
  if (client.status === 'wait') client.connect().catch(onError);

  function subscribe(channel: string, onMessage: (message: string) => void, onSubscribed: () => void): () => void {
    if (!subscriber) {
      // Pub/sub needs a connection of its own; its only commands, (UN)SUBSCRIBE, may wait for it to connect.
      const duplicate = (client as unknown as { duplicate(...args: unknown[]): Client }).duplicate.bind(client);
      const waiting = { enableOfflineQueue: true, maxRetriesPerRequest: null };
      subscriber = client.isCluster ? duplicate([], waiting) : duplicate(waiting);
      subscriber.on('error', onError);
      subscriber.on('message', ((from: string, message: string) => {
        for (const listener of channels.get(from)?.listeners ?? []) listener(message);
      }) as (...args: never[]) => void);
    }
    let entry = channels.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), subscribed: subscriber.subscribe(channel) };
      channels.set(channel, entry);
    }
    entry.subscribed.then(onSubscribed, onError);
    const listeners = entry.listeners;
    listeners.add(onMessage);
    return () => {
      listeners.delete(onMessage);
      if (listeners.size > 0) return;
      channels.delete(channel);
      subscriber?.unsubscribe(channel).catch(onError);
    };
  }

  const ctx: LinkContext = {
    timeoutMs: o.timeoutMs,
    flushMs: o.flushMs,
    syncMs: o.syncMs,
    snapshotMs: o.snapshotMs,
    leaseMs: o.leaseMs,
    ttlMs: o.ttlMs,
    maxPending: o.maxPending,
    maxStreamLength: o.maxStreamLength,
    ready: () => (client.status === 'ready' ? client : undefined),
    subscribe,
    takeFailedLoad: (breaker) => failedLoads.delete(breaker),
    connected: (breaker, up) => metrics?.connected.set({ breaker }, up ? 1 : 0),
    health(breaker, id, up, reason) {
      if (up) {
        logger.info({ breaker, replica: id }, `breaker ${breaker}: Redis answers again; state reconciled`);
        return;
      }
      metrics?.degraded.inc({ breaker });
      logger.warn(
        { breaker, replica: id, reason },
        `breaker ${breaker}: Redis unreachable or slower than ${o.timeoutMs} ms (${reason}); this replica runs on its own state`,
      );
    },
  };

  return {
    replica,
    async load(breaker) {
      const keys = breakerKeys(o.prefix, breaker);
      const deadline = performance.now() + o.timeoutMs;
      try {
        const ready = await whenReady(client, o.timeoutMs);
        if (!ready) throw new Error('not connected');
        const p = ready.pipeline().call('GET', keys.snapshot).call('GET', keys.state);
        const [snapshot, state] = replies(await within(p.exec(), Math.max(1, deadline - performance.now())));
        if (typeof snapshot !== 'string') return undefined;
        const loaded = JSON.parse(snapshot) as BreakerSnapshot;
        // The state key is newer than any snapshot: the machine comes from it.
        const shared = parseState(state);
        return shared ? { ...loaded, machine: shared.machine } : loaded;
      } catch (error) {
        failedLoads.add(breaker);
        logger.warn(
          { breaker, replica, ...describeError(error) },
          `breaker ${breaker}: could not load its state from Redis within ${o.timeoutMs} ms; starting fresh, restoring when Redis answers`,
        );
        return undefined;
      }
    },
    async save(breaker, snapshot) {
      const ready = client.status === 'ready' ? client : undefined;
      if (!ready) return;
      const key = breakerKeys(o.prefix, breaker).snapshot;
      await within(ready.call('SET', key, JSON.stringify(snapshot), 'PX', o.ttlMs), o.timeoutMs).catch(
        (error: unknown) =>
          logger.warn({ breaker, replica, ...describeError(error) }, `breaker ${breaker}: snapshot not saved to Redis`),
      );
    },
    share(breaker: string, side: ReplicaSide): SharedBreaker {
      // The series alerts read exist from the start: a degraded_total that appears at 1 shows no increase().
      metrics?.degraded.inc({ breaker }, 0);
      metrics?.connected.set({ breaker }, 0);
      // Each guard is a replica of its own, even two of one name in one process.
      const link = new BreakerLink(breaker, `${replica}#${++linkCount}`, breakerKeys(o.prefix, breaker), side, ctx);
      links.set(breaker, link);
      return link;
    },
    stats: () => Object.fromEntries([...links].map(([name, link]) => [name, { ...link.stats }])),
    async close() {
      for (const link of links.values()) link.close();
      links.clear();
      subscriber?.disconnect();
      subscriber = undefined;
      if (owned) {
        await within(client.quit(), o.timeoutMs).catch(() => client.disconnect());
      }
    },
  };
}

/** A client for `url`: commands fail at once while disconnected (no offline queue), and it reconnects every ≤ 1 s. */
function createClient(url: string): Redis {
  if (!isRedisUrl(url))
    throw new TypeError(
      'redisStore(): option "url": must be a redis:// or rediss:// URL (not shown: it may hold a password)',
    );
  const { Redis: RedisClient } = loadOptionalPeer<typeof import('ioredis')>('ioredis', 'redisStore()');
  return new RedisClient(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(50 * times, 1_000),
  });
}

function isRedisUrl(url: string): boolean {
  try {
    return ['redis:', 'rediss:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function storeMetrics(registry: PromClient.Registry) {
  const prom = loadOptionalPeer<typeof PromClient>('prom-client', 'metrics');
  const get = familyOn(registry);
  return {
    degraded: get(
      'safety_breaker_store_degraded_total',
      (name) =>
        new prom.Counter({
          name,
          help: 'Times this replica lost the shared store (unreachable, failing, or slower than timeoutMs) and ran on its own state.',
          labelNames: ['breaker'],
          registers: [registry],
        }),
    ),
    connected: get(
      'safety_breaker_store_connected',
      (name) =>
        new prom.Gauge({
          name,
          help: '1 while the shared store answers within timeoutMs, 0 while this replica runs on its own state.',
          labelNames: ['breaker'],
          registers: [registry],
        }),
    ),
  };
}
