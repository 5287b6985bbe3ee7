/**
 * `safety-breaker/toxicity`: the `toxicity()` hot-path detector and the lower-level scanning API.
 * See docs/detectors/toxicity.md.
 */
import { ToxicityScanner, type ToxicityResult, type ToxicityScores } from './scanner.js';

export {
  toxicity,
  DEFAULT_BLOCK as TOXICITY_DEFAULT_BLOCK,
  DEFAULT_FLAG as TOXICITY_DEFAULT_FLAG,
} from './detector.js';
export type { ToxicityOptions, ToxicityThreshold, ToxicityThresholds } from './detector.js';
export { scanToxicity, CATEGORIES as TOXICITY_CATEGORIES } from './scanner.js';
export type { ToxicityCategory, ToxicityResult, ToxicityScores, ToxicitySpan } from './scanner.js';
export { normalize } from './normalize.js';
export type { Normalized } from './normalize.js';

/**
 * Scans text that arrives in pieces (a streamed answer). Every piece costs work linear in its
 * own length, never a re-scan of what came before, and the result always equals
 * `scanToxicity(allChunksJoined)` exactly.
 */
export interface IncrementalToxicityScanner {
  /** Feeds the next chunk of text (any split, even inside a word or a surrogate pair). Throws after `end()`. */
  push(chunk: string): void;
  /** Scores of everything pushed so far; does not end the scan. */
  scores(): ToxicityScores;
  /** Scores and spans of everything pushed so far; does not end the scan. */
  result(): ToxicityResult;
  /** Ends the text and returns the final result; further `push` calls throw. */
  end(): ToxicityResult;
  /** Forgets everything pushed so far, so the scanner can take a new text. */
  reset(): void;
}

/**
 * An incremental scanner for streamed text: `push(chunk)` each chunk (O(chunk) work),
 * `scores()`/`result()` at any time, `end()` once.
 *
 * @example
 * const scanner = createToxicityScanner();
 * for await (const chunk of stream) scanner.push(chunk);
 * const { scores, spans } = scanner.end();
 */
export function createToxicityScanner(): IncrementalToxicityScanner {
  return new ToxicityScanner();
}
