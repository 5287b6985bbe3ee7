/**
 * The detector registry: the one place that maps a detector's name in a config file to its
 * factory and to the zod schema of its options. Plain data only, so a YAML file can carry it.
 */
import { z } from 'zod';
import { fairness, fairnessWindowSchema } from '../detectors/fairness.js';
import { latency, latencyOptionsRule } from '../detectors/latency.js';
import { toxicity, toxicityThresholdsSchema } from '../detectors/toxicity/detector.js';
import type { Detector } from '../detectors/types.js';
import { ruleToZod } from './rules-to-zod.js';

/** How a config file builds one detector. */
export interface DetectorFactory {
  /** Schema of the options under `detectors.<name>` (plain data). Used for errors with line and column, and for `safety-breaker schema`. */
  readonly options: z.ZodType;
  /** Builds the detector from options that passed `options`. */
  create(options: unknown): Detector;
  /** One line for `safety-breaker schema` and the docs. */
  readonly description?: string;
}

/** Detector factories by the name a config file uses. */
export type DetectorRegistry = Readonly<Record<string, DetectorFactory>>;

// Same schema as toxicity() validates with: one source of truth for the thresholds.
const toxicityThresholds = toxicityThresholdsSchema;

/** The detectors every config file can name. */
export const builtinDetectors: DetectorRegistry = {
  latency: {
    description: 'Flags calls at least `slowMs` slow; never blocks.',
    options: ruleToZod(latencyOptionsRule()),
    create: (options) => latency(options as Parameters<typeof latency>[0]),
  },
  fairness: {
    description:
      'Window detector: trips when the outcome rate differs between groups (context key `group`) beyond `maxDelta`, significant at `alpha`.',
    options: z.strictObject({
      name: z
        .string()
        .min(1)
        .max(100)
        .regex(/^[A-Za-z0-9_.:-]+$/, 'must contain only letters, digits and _ . : -')
        .optional(),
      group: z.string().min(1).optional(),
      outcome: z.union([z.enum(['blocked', 'flagged']), z.strictObject({ detector: z.string().min(1) })]).optional(),
      window: fairnessWindowSchema.optional(),
      minPerGroup: z.number().int().min(1).optional(),
      maxDelta: z.number().min(0).lt(1).optional(),
      alpha: z.number().gt(0).lt(1).optional(),
      sequential: z
        .union([
          z.literal(false),
          z.strictObject({
            threshold: z.number().positive().max(1_000).optional(),
            memory: z.number().int().min(10).max(10_000_000).optional(),
            detectDelta: z.number().gt(0).lt(1).optional(),
          }),
        ])
        .optional(),
      maxGroups: z.number().int().min(2).max(1_000).optional(),
      identityTerms: z
        .union([z.literal(false), z.record(z.string(), z.record(z.string(), z.array(z.string())))])
        .optional(),
      axis: z.string().min(1).optional(),
    }),
    create: (options) => fairness(options as Parameters<typeof fairness>[0]),
  },
  toxicity: {
    description: 'Per-category toxicity scores; `block` withholds an output, `flag` counts it against the model.',
    options: z.strictObject({
      block: toxicityThresholds.optional(),
      flag: toxicityThresholds.optional(),
      echoSpan: z.boolean().optional(),
    }),
    create: (options) => toxicity(options as Parameters<typeof toxicity>[0]),
  },
};

/** The built-in detectors plus the app's own (an app's factory replaces a built-in of the same name). */
export function detectorRegistry(extra?: DetectorRegistry): DetectorRegistry {
  return extra ? { ...builtinDetectors, ...extra } : builtinDetectors;
}
