/** The demo's hot-path detectors. */
import { latency, type Detector } from '../src/index.js';
import { toxicity } from '../src/entries/toxicity.js';

/** toxicity() blocks toxic outputs (default thresholds); latency() flags slow calls (it never blocks). */
export function demoDetectors(slowMs: number): Detector[] {
  return [toxicity(), latency({ slowMs })];
}
