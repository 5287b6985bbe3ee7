import {
  number,
  object,
  optional,
  refine,
  tagged,
  withDefault,
  type InputOf,
  type OutputOf,
} from '../../rules/index.js';
import { CUSUM_DEFAULT_CEILING, CUSUM_MIN_P0, CusumPolicy } from './cusum.js';
import { LatencyQuantilePolicy } from './latency-p95.js';
import { RatePolicy } from './rate.js';
import { SlowCallRatePolicy } from './slow-call-rate.js';
import type { TripPolicy } from './types.js';
import { WilsonPolicy } from './wilson.js';

export type { Observation, PolicySnapshot, TripDecision, TripPolicy } from './types.js';

const windowRule = tagged('kind', {
  count: object({ size: number({ int: true, gte: 1, lte: 1_000_000 }) }),
  time: object({
    durationMs: number({ gt: 0 }),
    buckets: optional(number({ int: true, gte: 1, lte: 1_000 })),
  }),
});

const ratio = (fallback: number) => withDefault(number({ gt: 0, lte: 1 }), fallback);
const minimumCalls = withDefault(number({ int: true, gte: 1 }), 20);
const window = withDefault(windowRule, { kind: 'count', size: 100 });

/**
 * Trip policy specifications: plain data, so a config file can carry them. Rules, not zod:
 * `guard()` checks them on its path; the config file converts these same rules to zod.
 */
export const tripPolicySpecRule = tagged('policy', {
  rate: object({ threshold: ratio(0.5), minimumCalls, window }),
  wilson: object({
    threshold: withDefault(number({ gt: 0, lt: 1 }), 0.2),
    confidence: withDefault(number({ gt: 0.5, lt: 1 }), 0.95),
    minimumCalls,
    window,
  }),
  cusum: refine(
    object({
      p0: optional(number({ gte: CUSUM_MIN_P0, lt: 0.5 })),
      p1: optional(number({ gt: 0, lt: 1 })),
      shift: withDefault(number({ gt: 1 }), 8),
      falseTripEvery: withDefault(number({ gte: 100, lte: 1e15 }), 1e8),
      warmupCalls: withDefault(number({ int: true, gte: 100, lte: 10_000_000 }), 50_000),
      ceiling: withDefault(number({ gte: CUSUM_MIN_P0, lt: 0.5 }), CUSUM_DEFAULT_CEILING),
    }),
    (s) => s.p0 === undefined || s.p1 === undefined || s.p1 > s.p0,
    'p1 must be greater than p0',
    ['p1'],
  ),
  'slow-call-rate': object({
    slowCallMs: withDefault(number({ gt: 0 }), 10_000),
    threshold: ratio(0.5),
    minimumCalls,
    window,
  }),
  'latency-p95': object({
    thresholdMs: number({ gt: 0 }),
    quantile: withDefault(number({ gt: 0, lt: 1 }), 0.95),
    minimumCalls,
    window,
    relativeAccuracy: withDefault(number({ gte: 0.001, lte: 0.2 }), 0.01),
  }),
});

export type TripPolicySpec = InputOf<typeof tripPolicySpecRule>;
type ParsedSpec = OutputOf<typeof tripPolicySpecRule>;

export function createPolicy(spec: ParsedSpec): TripPolicy {
  switch (spec.policy) {
    case 'rate':
      return new RatePolicy(spec);
    case 'wilson':
      return new WilsonPolicy(spec);
    case 'cusum':
      return new CusumPolicy(spec);
    case 'slow-call-rate':
      return new SlowCallRatePolicy(spec);
    case 'latency-p95':
      return new LatencyQuantilePolicy(spec);
  }
}

export function isTripPolicy(value: unknown): value is TripPolicy {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TripPolicy).observe === 'function' &&
    typeof (value as TripPolicy).snapshot === 'function'
  );
}

export { CusumPolicy, LatencyQuantilePolicy, RatePolicy, SlowCallRatePolicy, WilsonPolicy };
