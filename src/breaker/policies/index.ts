import { z } from 'zod';
import { CusumPolicy } from './cusum.js';
import { LatencyQuantilePolicy } from './latency-p95.js';
import { RatePolicy } from './rate.js';
import { SlowCallRatePolicy } from './slow-call-rate.js';
import type { TripPolicy } from './types.js';
import { WilsonPolicy } from './wilson.js';

export type { Observation, PolicySnapshot, TripDecision, TripPolicy } from './types.js';

const windowSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('count'), size: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({
    kind: z.literal('time'),
    durationMs: z.number().positive(),
    buckets: z.number().int().min(1).max(1_000).optional(),
  }),
]);

const ratio = z.number().gt(0).lte(1);
const minimumCalls = z.number().int().min(1).default(20);
const defaultWindow = { kind: 'count', size: 100 } as const;

/** Trip policy specifications: plain data, so a config file can carry them. */
export const tripPolicySpecSchema = z.discriminatedUnion('policy', [
  z.strictObject({
    policy: z.literal('rate'),
    threshold: ratio.default(0.5),
    minimumCalls,
    window: windowSchema.default(defaultWindow),
  }),
  z.strictObject({
    policy: z.literal('wilson'),
    threshold: z.number().gt(0).lt(1).default(0.2),
    confidence: z.number().gt(0.5).lt(1).default(0.95),
    minimumCalls,
    window: windowSchema.default(defaultWindow),
  }),
  z
    .strictObject({
      policy: z.literal('cusum'),
      p0: z.number().gte(0.001).lt(0.5).optional(),
      p1: z.number().gt(0).lt(1).optional(),
      shift: z.number().gt(1).default(8),
      falseTripEvery: z.number().min(100).max(1e15).default(1e8),
      warmupCalls: z.number().int().min(100).max(10_000_000).default(50_000),
    })
    .refine((s) => s.p0 === undefined || s.p1 === undefined || s.p1 > s.p0, {
      message: 'p1 must be greater than p0',
      path: ['p1'],
    }),
  z.strictObject({
    policy: z.literal('slow-call-rate'),
    slowCallMs: z.number().positive().default(10_000),
    threshold: ratio.default(0.5),
    minimumCalls,
    window: windowSchema.default(defaultWindow),
  }),
  z.strictObject({
    policy: z.literal('latency-p95'),
    thresholdMs: z.number().positive(),
    quantile: z.number().gt(0).lt(1).default(0.95),
    minimumCalls,
    window: windowSchema.default(defaultWindow),
    relativeAccuracy: z.number().gte(0.001).lte(0.2).default(0.01),
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
