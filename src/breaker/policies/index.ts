import { z } from 'zod';
import { RatePolicy } from './rate.js';
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
]);

export type TripPolicySpec = z.input<typeof tripPolicySpecSchema>;
type ParsedSpec = z.output<typeof tripPolicySpecSchema>;

export function createPolicy(spec: ParsedSpec): TripPolicy {
  switch (spec.policy) {
    case 'rate':
      return new RatePolicy(spec);
    case 'wilson':
      return new WilsonPolicy(spec);
  }
}

export function isTripPolicy(value: unknown): value is TripPolicy {
  return typeof value === 'object' && value !== null && typeof (value as TripPolicy).observe === 'function' && typeof (value as TripPolicy).snapshot === 'function';
}

export { RatePolicy, WilsonPolicy };
