/** `safety-breaker/redis`: breaker state shared by replicas through Redis (ioredis, an optional peer). See docs/replicas.md. */
export { redisStore } from '../store/redis/store.js';
export type { RedisStore, RedisStoreOptions } from '../store/redis/store.js';
export type { LinkStats as RedisBreakerStats } from '../store/redis/link.js';
export type { BreakerStore, ReplicaSide, SharedBreaker, SharedOutcome, SharedState } from '../store/types.js';
