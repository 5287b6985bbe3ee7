/** What replicas write to Redis: outcome batches keep every field the trip policies read; foreign state values are ignored. */
import { describe, expect, it } from 'vitest';
import {
  breakerKeys,
  decodeOutcomes,
  encodeOutcomes,
  outcomeFlags,
  parseState,
} from '../../src/store/redis/protocol.js';
import type { SharedOutcome } from '../../src/store/types.js';

describe('the Redis store protocol', () => {
  it('an outcome batch keeps bad, failed, slow and the latency (to float32 precision) of every call', () => {
    const outcomes: SharedOutcome[] = [
      { bad: true, failed: false, slow: false, latencyMs: 12.5 },
      { bad: true, failed: true, slow: false, latencyMs: 30_000 },
      { bad: false, failed: false, slow: true, latencyMs: 0.125 },
      { bad: false, failed: false, slow: false, latencyMs: 1234.567 },
    ];
    const decoded = decodeOutcomes(
      encodeOutcomes(
        outcomes.map(outcomeFlags),
        outcomes.map((o) => o.latencyMs),
      ),
    );
    expect(decoded.map(({ latencyMs: _, ...flags }) => flags)).toEqual(
      outcomes.map(({ latencyMs: _, ...flags }) => flags),
    );
    decoded.forEach((o, i) => expect(o.latencyMs).toBeCloseTo(outcomes[i]!.latencyMs, 3));
  });

  it('a stored value that is not a shared state is ignored, never applied', () => {
    const state = { version: 1, replica: 'r', machine: { state: 'open' }, reason: 'x' };
    expect(parseState(JSON.stringify(state))).toEqual(state);
    for (const bad of [null, 42, 'not json', '{}', JSON.stringify({ ...state, version: '1' }), '{"machine":null}'])
      expect(parseState(bad)).toBeUndefined();
  });

  it("a breaker's keys share one hash tag (one Cluster slot); its leases are per half-open episode", () => {
    const keys = breakerKeys('sb', 'chat');
    const tags = [keys.state, keys.snapshot, keys.outcomes, keys.lease(1_700_000_000_000)].map(
      (k) => /\{([^}]*)\}/.exec(k)![1],
    );
    expect(new Set(tags)).toEqual(new Set(['chat']));
    expect(keys.lease(1)).not.toBe(keys.lease(2));
  });
});
