/**
 * What replicas write to Redis: key names, the Lua scripts that make state changes and probe
 * leases atomic, and the encoding of outcome batches. Every key of a breaker carries the same
 * hash tag, so a breaker's keys live in one Redis Cluster slot (scripts and pipelines need that).
 */
import type { SharedOutcome, SharedState } from '../types.js';

/** The keys and the channel of one breaker. */
export interface BreakerKeys {
  /** The newest `SharedState` (JSON), written only by `SET_STATE`. */
  readonly state: string;
  /** The last full snapshot (JSON): windows and learned baselines, for a restart. */
  readonly snapshot: string;
  /** A stream of outcome batches, one entry per flush of one replica. */
  readonly outcomes: string;
  /** Where state changes are published. */
  readonly channel: string;
  /** The lease of the half-open episode that began when the breaker opened at `episode`. */
  lease(episode: number): string;
}

export function breakerKeys(prefix: string, breaker: string): BreakerKeys {
  const base = `${prefix}:{${breaker}}`;
  return {
    state: `${base}:state`,
    snapshot: `${base}:snapshot`,
    outcomes: `${base}:outcomes`,
    channel: `${base}:state`,
    lease: (episode) => `${base}:lease:${episode}`,
  };
}

/**
 * KEYS[1] state; ARGV: state JSON, its version, ttl ms, channel. Writes and publishes the state
 * unless the stored one is as new or newer, which it returns instead (nil when written).
 */
export const SET_STATE = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' and tonumber(stored.version) and tonumber(stored.version) >= tonumber(ARGV[2]) then
    return current
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[1])
return false`;

/** KEYS[1] lease; ARGV: replica id, lease ms. Takes the lease when free, extends it when held by this replica: 1, else 0. */
export const TAKE_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/** Reads a `SharedState` from JSON; undefined for anything else (a foreign or corrupt value is ignored, not applied). */
export function parseState(json: unknown): SharedState | undefined {
  if (typeof json !== 'string' && !Buffer.isBuffer(json)) return undefined;
  try {
    const s = JSON.parse(String(json)) as Partial<SharedState> | null;
    if (!s || typeof s.version !== 'number' || typeof s.replica !== 'string' || typeof s.reason !== 'string')
      return undefined;
    if (typeof s.machine !== 'object' || s.machine === null) return undefined;
    return s as SharedState;
  } catch {
    return undefined;
  }
}

const BAD = 1;
const FAILED = 2;
const SLOW = 4;
/** Bytes per outcome: a flags byte and the latency as a float32. */
const OUTCOME_BYTES = 5;

/** A batch of outcomes as bytes: what a stream entry carries. */
export function encodeOutcomes(flags: readonly number[], latencies: readonly number[]): Buffer {
  const buffer = Buffer.allocUnsafe(flags.length * OUTCOME_BYTES);
  for (let i = 0; i < flags.length; i++) {
    buffer[i * OUTCOME_BYTES] = flags[i]!;
    buffer.writeFloatLE(latencies[i]!, i * OUTCOME_BYTES + 1);
  }
  return buffer;
}

export const outcomeFlags = (o: SharedOutcome): number =>
  (o.bad ? BAD : 0) | (o.failed ? FAILED : 0) | (o.slow ? SLOW : 0);

export function decodeOutcomes(buffer: Buffer): SharedOutcome[] {
  const outcomes: SharedOutcome[] = [];
  for (let at = 0; at + OUTCOME_BYTES <= buffer.length; at += OUTCOME_BYTES) {
    const bits = buffer[at]!;
    outcomes.push({
      bad: (bits & BAD) !== 0,
      failed: (bits & FAILED) !== 0,
      slow: (bits & SLOW) !== 0,
      latencyMs: buffer.readFloatLE(at + 1),
    });
  }
  return outcomes;
}
