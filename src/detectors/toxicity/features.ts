/**
 * The model's features for one word, the single definition the scanner (which sums their weights
 * over a window) and the trainer (which receives them through the scanner's sink) both use.
 *
 * Per word, {@link SLOTS} features, each a 30-bit hash (model.ts: bucket and check byte; an empty
 * slot holds {@link NO_FEATURE}):
 *
 * - the word (a group's name: empty — naming a group is never evidence by itself) and the pair
 *   (previous word, word);
 * - after a target in the same sentence (a group's name or a slur, or "you"), within
 *   {@link REACH} words: the word and the word pair, keyed by the kind of target but not by the
 *   target itself ("<group> … disgusting", "<group> … not human", "you … worthless"). One group's
 *   weights then carry over to every other group, which is what reads hate toward a group the
 *   training data never named;
 * - at a group's name or a slur: the two words before it ("hate <group>", "despise all <group>").
 *
 * Measured by leaving one source out (bench/toxicity-loso.ts): the pair across a one-word gap
 * ("hate all muslims") lowered the mean macro-F1 (more benign windows score high, the benign floor
 * rises), so it is not a feature.
 *
 * State is bounded (a few numbers) so scanning stays incremental: chunked equals whole.
 */
import { BOS, NO_FEATURE, bigramHash } from './model.js';

/** Feature buckets per word. */
export const SLOTS = 6;
/** Words after a target that still read as said of it. */
const REACH = 5;
/** How a word names a target: not at all, a group (name or slur), or the reader ("you"). */
export const TARGET_NONE = 0;
export const TARGET_GROUP = 1;
export const TARGET_YOU = 2;
/** Keys that keep the feature families apart in the shared hash table. */
const AFTER = [0, 0x2c1b3c6d, 0x297a2d39];
const AFTER_PAIR = [0, 0x6b43a9b5, 0x0e5d8c2f];
const BEFORE = 0x3c6ef372;

/**
 * What the model reads instead of a word that is not English prose, one hash per kind: it learns
 * one weight for "a number" and one for "a word in another script" rather than a weight for every
 * number and every foreign word, most of which it never saw (their buckets would hold whatever
 * collided there; a Russian or Japanese answer then scored like hate).
 */
export const NUMBER_WORD = 0x1b873593;
export const FOREIGN_WORD = 0x3a8f05c5;

export class ModelFeatures {
  private prev = BOS;
  private prev2 = BOS;
  /** Kind of the last target in this sentence and the words since it. */
  private target = TARGET_NONE;
  private since = 0;

  reset(): void {
    this.prev = BOS;
    this.prev2 = BOS;
    this.target = TARGET_NONE;
    this.since = 0;
  }

  copy(): ModelFeatures {
    const c = new ModelFeatures();
    c.prev = this.prev;
    c.prev2 = this.prev2;
    c.target = this.target;
    c.since = this.since;
    return c;
  }

  /**
   * Writes the features of the next word into `out[0..SLOTS)`. Returns how many leading slots may be
   * non-empty: 2 for most words (the rest hold {@link NO_FEATURE}), so the scanner sums only those.
   * @param hash the word's hash; @param name a group's name (no unigram); @param target how the word
   * names a target; @param sent the word starts a sentence.
   */
  word(hash: number, name: boolean, target: number, sent: boolean, out: Int32Array): number {
    if (sent) this.target = TARGET_NONE;
    const prev = this.prev;
    const pair = bigramHash(prev, hash);
    out[0] = name ? NO_FEATURE : hash;
    out[1] = pair;
    const t = this.target;
    let used = 2;
    if (t !== TARGET_NONE && this.since < REACH && target === TARGET_NONE) {
      used = 4;
      out[2] = bigramHash(AFTER[t] as number, hash);
      out[3] = bigramHash(AFTER_PAIR[t] as number, pair);
      this.since++;
    } else {
      out[2] = NO_FEATURE;
      out[3] = NO_FEATURE;
    }
    if (target === TARGET_GROUP) {
      used = SLOTS;
      out[4] = bigramHash(BEFORE, prev);
      out[5] = bigramHash(BEFORE ^ 1, this.prev2);
    } else {
      out[4] = NO_FEATURE;
      out[5] = NO_FEATURE;
    }
    if (target !== TARGET_NONE) {
      this.target = target;
      this.since = 0;
    }
    this.prev2 = prev;
    this.prev = hash;
    return used;
  }
}
