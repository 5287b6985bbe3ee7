/** The demo's hot-path detectors. */
import { latency, toxicity, type Detector } from '../src/index.js';

/** toxicity() blocks toxic outputs (default thresholds); latency() flags slow calls (it never blocks). */
export function demoDetectors(slowMs: number): Detector[] {
  return [toxicity(), latency({ slowMs })];
}
