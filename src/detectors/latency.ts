import * as z from 'zod/mini';
import { parseOptions } from '../validation.js';
import type { HotPathDetector, Signal } from './types.js';

export interface LatencyOptions {
  /** A call at least this slow (ms) is flagged. */
  readonly slowMs: number;
}

// Built on first use: a schema built at import time is a call bundlers must keep in every app that imports the package's root.
let schema: z.ZodMiniType<LatencyOptions> | undefined;

/**
 * Flags slow calls; never blocks an output. Score: `min(1, latencyMs / slowMs)`, so 1 means
 * "at or past the slow threshold".
 */
export function latency(options: LatencyOptions): HotPathDetector {
  schema ??= z.strictObject({ slowMs: z.number().check(z.positive()) });
  const { slowMs } = parseOptions(schema, options, 'latency()');
  const pass: Signal = { detector: 'latency', score: 0, flagged: false };
  return {
    name: 'latency',
    detect({ latencyMs }): Signal {
      if (latencyMs < slowMs)
        return latencyMs <= 0 ? pass : { detector: 'latency', score: latencyMs / slowMs, flagged: false };
      return {
        detector: 'latency',
        score: 1,
        flagged: true,
        reason: `call took ${Math.round(latencyMs)} ms (slow at ${slowMs} ms)`,
      };
    },
  };
}
