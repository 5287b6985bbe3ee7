import { toxicity } from './toxicity/index.js';
import type { Detector } from './types.js';

/** The detectors a guard runs when `detectors` is not given: toxicity with its default thresholds. */
export async function loadDefaultDetectors(): Promise<Detector[]> {
  return [toxicity()];
}
