/**
 * Toxicity detection: the `toxicity()` hot-path detector and the lower-level scanning API.
 * See docs/detectors/toxicity.md.
 */
export { toxicity, toxicityThresholdsSchema, DEFAULT_BLOCK, DEFAULT_FLAG } from './detector.js';
export type { ToxicityOptions, ToxicityThreshold, ToxicityThresholds } from './detector.js';
export { scanToxicity, ToxicityScanner, CATEGORIES as TOXICITY_CATEGORIES } from './scanner.js';
export type { ToxicityCategory, ToxicityResult, ToxicityScores, ToxicitySpan } from './scanner.js';
export { normalize } from './normalize.js';
export type { Normalized } from './normalize.js';

import { ToxicityScanner } from './scanner.js';

/**
 * An incremental scanner for streamed text: `push(chunk)` each chunk (O(chunk) work),
 * `scores()`/`result()` at any time, `end()` once. The result always equals
 * `scanToxicity(allChunksJoined)` exactly.
 */
export function createToxicityScanner(): ToxicityScanner {
  return new ToxicityScanner();
}
