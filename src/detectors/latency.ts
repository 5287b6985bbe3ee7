import { number, object, type ObjectRule, type NumberRule } from '../rules/index.js';
import { parseOptions } from '../validation.js';
import type { HotPathDetector, Signal } from './types.js';

export interface LatencyOptions {
  /** A call at least this slow (ms) is flagged. */
  readonly slowMs: number;
}

let rule: ObjectRule<{ slowMs: NumberRule }> | undefined;

/** The options' rule, also the config file's (src/config/detectors.ts). Built on first use: a rule built at import time is a call bundlers must keep in every app that imports the package's root. */
export const latencyOptionsRule = () => (rule ??= object({ slowMs: number({ gt: 0 }) }));

/**
 * Flags slow calls; never blocks an output. Score: `min(1, latencyMs / slowMs)`, so 1 means
 * "at or past the slow threshold". A streamed answer is judged by its time to first token
 * (`firstTokenMs`): its total time grows with its length, not with the model's slowness.
 */
export function latency(options: LatencyOptions): HotPathDetector {
  const { slowMs } = parseOptions(latencyOptionsRule(), options, 'latency()');
  const pass: Signal = { detector: 'latency', score: 0, flagged: false };
  return {
    name: 'latency',
    readsText: false,
    detect({ latencyMs, firstTokenMs }): Signal {
      const ms = firstTokenMs ?? latencyMs;
      if (ms < slowMs) return ms <= 0 ? pass : { detector: 'latency', score: ms / slowMs, flagged: false };
      const took = firstTokenMs === undefined ? 'call took' : 'first token after';
      return {
        detector: 'latency',
        score: 1,
        flagged: true,
        slow: true,
        reason: `${took} ${Math.round(ms)} ms (slow at ${slowMs} ms)`,
      };
    },
  };
}
