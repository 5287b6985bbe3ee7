/** The demo's hot-path detectors. */
import { latency, type Detector } from '../src/index.js';
// TODO(switch to '../src/index.js' once src/index.ts re-exports toxicity)
import { toxicity } from '../src/detectors/toxicity/index.js';

/** toxicity() blocks toxic outputs (default thresholds); latency() flags slow calls (it never blocks). */
export function demoDetectors(slowMs: number): Detector[] {
  return [toxicity(), latency({ slowMs })];
}
