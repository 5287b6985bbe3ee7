import * as z from 'zod/mini';
import { CusumPolicy } from './cusum.js';
import { LatencyQuantilePolicy } from './latency-p95.js';
import { RatePolicy } from './rate.js';
import { SlowCallRatePolicy } from './slow-call-rate.js';
import type { TripPolicy } from './types.js';
import { WilsonPolicy } from './wilson.js';

export type { Observation, PolicySnapshot, TripDecision, TripPolicy } from './types.js';

const windowSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('count'), size: z.int().check(z.gte(1), z.lte(1_000_000)) }),
  z.strictObject({
    kind: z.literal('time'),
    durationMs: z.number().check(z.positive()),
    buckets: z.optional(z.int().check(z.gte(1), z.lte(1_000))),
  }),
]);

const ratio = (fallback: number) => z._default(z.number().check(z.gt(0), z.lte(1)), fallback);
const minimumCalls = z._default(z.int().check(z.gte(1)), 20);
const window = z._default(windowSchema, { kind: 'count', size: 100 });

/** Trip policy specifications: plain data, so a config file can carry them. zod/mini: `guard()` checks them on its path. */
export const tripPolicySpecSchema = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('rate'), threshold: ratio(0.5), minimumCalls, window }),
  z.strictObject({
    policy: z.literal('wilson'),
    threshold: z._default(z.number().check(z.gt(0), z.lt(1)), 0.2),
    confidence: z._default(z.number().check(z.gt(0.5), z.lt(1)), 0.95),
    minimumCalls,
    window,
  }),
  z
    .strictObject({
      policy: z.literal('cusum'),
      p0: z.optional(z.number().check(z.gte(0.001), z.lt(0.5))),
      p1: z.optional(z.number().check(z.gt(0), z.lt(1))),
      shift: z._default(z.number().check(z.gt(1)), 8),
      falseTripEvery: z._default(z.number().check(z.gte(100), z.lte(1e15)), 1e8),
      warmupCalls: z._default(z.int().check(z.gte(100), z.lte(10_000_000)), 50_000),
    })
    .check(
      z.refine((s) => s.p0 === undefined || s.p1 === undefined || s.p1 > s.p0, {
        error: 'p1 must be greater than p0',
        path: ['p1'],
      }),
    ),
  z.strictObject({
    policy: z.literal('slow-call-rate'),
    slowCallMs: z._default(z.number().check(z.positive()), 10_000),
    threshold: ratio(0.5),
    minimumCalls,
    window,
  }),
  z.strictObject({
    policy: z.literal('latency-p95'),
    thresholdMs: z.number().check(z.positive()),
    quantile: z._default(z.number().check(z.gt(0), z.lt(1)), 0.95),
    minimumCalls,
    window,
    relativeAccuracy: z._default(z.number().check(z.gte(0.001), z.lte(0.2)), 0.01),
  }),
]);

export type TripPolicySpec = z.input<typeof tripPolicySpecSchema>;
type ParsedSpec = z.output<typeof tripPolicySpecSchema>;

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
