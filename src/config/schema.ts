/**
 * The config file's schema. Breakers by name, each with its detectors (by registry name), trip
 * policies (the same specs `guard()` takes), recovery, timeouts, fallback routes and mode. Code
 * binds the model functions to breaker and route names (see `createBreakers`).
 */
import { z } from 'zod';
import { tripPolicySpecRule } from '../breaker/policies/index.js';
import { incidentSettingsSchema } from '../incidents/options.js';
import { notifierEntriesRule } from '../incidents/notify/config.js';
import { BOUNDED_KEYS } from './bounds.js';
import { detectorRegistry, type DetectorRegistry } from './detectors.js';
import { ruleToZod } from './rules-to-zod.js';

const NAME = /^[A-Za-z0-9_.:-]+$/;
const name = z.string().min(1).max(100).regex(NAME, 'must contain only letters, digits and _ . : -');

// The policy rules guard() checks, as zod: one definition of every policy and its defaults.
const policy = ruleToZod(tripPolicySpecRule);
const trip = z.union([policy, z.array(policy).min(1)]);

/** Builds the schema for a registry of detectors (the built-ins plus the app's own). */
export function configSchema(registry: DetectorRegistry = detectorRegistry()) {
  const detectors = z.strictObject(
    Object.fromEntries(Object.entries(registry).map(([key, factory]) => [key, factory.options.optional()])),
  );
  const breaker = z.strictObject({
    /** enforce: block and route; shadow: detect and record only; disabled: pass straight through. */
    mode: z.enum(['enforce', 'shadow', 'disabled']).default('enforce'),
    description: z.string().optional(),
    detectors: detectors.optional(),
    trip: trip.optional(),
    recovery: z
      .strictObject({
        afterMs: z.number().min(0).optional(),
        backoff: z.number().min(1).optional(),
        capMs: z.number().min(0).optional(),
        probes: z.number().int().min(1).max(1_000).optional(),
      })
      .optional(),
    budgetMs: z.number().positive().optional(),
    timeoutMs: z.number().min(0).optional(),
    retry: z
      .union([
        z.literal(false),
        z.strictObject({
          retries: z.number().int().min(0).max(10).optional(),
          minTimeoutMs: z.number().min(0).optional(),
          maxTimeoutMs: z.number().min(0).optional(),
        }),
      ])
      .optional(),
    onDetectorError: z.enum(['pass', 'block']).optional(),
    /** Fallback routes in order, by the names the code binds them to. */
    fallbacks: z.array(name).default([]),
    /** Bounded keys (docs/config.md, "Sanity bounds") whose out-of-bounds value this breaker means. */
    allowOutOfBounds: z.array(z.enum(BOUNDED_KEYS)).optional(),
  });
  return z.strictObject({
    version: z.literal(1).default(1),
    breakers: z.record(name, breaker),
    /**
     * The incident log: path, severity mapping, reporting clocks, evidence (docs/incidents.md), and
     * the notifiers that page the on-call (docs/notifiers.md; secrets from environment variables).
     */
    incidents: incidentSettingsSchema.extend({ notifiers: ruleToZod(notifierEntriesRule).optional() }).optional(),
  });
}

/** A validated config file. */
export type SafetyBreakerConfig = z.output<ReturnType<typeof configSchema>>;
/** One breaker's settings in a validated config file. */
export type BreakerConfig = SafetyBreakerConfig['breakers'][string];
/** What a config file may contain (before defaults). */
export type SafetyBreakerConfigInput = z.input<ReturnType<typeof configSchema>>;

/** The JSON Schema of the config file, for editors (`safety-breaker schema`). */
export function configJsonSchema(registry?: DetectorRegistry): Record<string, unknown> {
  const json = z.toJSONSchema(configSchema(registry), { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    $id: 'https://github.com/safety-breaker/safety-breaker/config.schema.json',
    title: 'safety-breaker config',
    ...json,
  };
}
