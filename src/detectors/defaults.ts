import type { Detector } from './types.js';

/** The detectors a guard runs when `detectors` is not given. */
export function defaultDetectors(): Detector[] {
  return [];
}
