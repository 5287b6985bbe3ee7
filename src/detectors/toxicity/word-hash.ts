/**
 * The word hash of the toxicity scanner, defined here once (model buckets, lexicon filter and
 * lookups): a word's bytes packed four at a time (little-endian, the last group padded with zeros),
 * each group mixed in, then the byte count: one multiply per four letters. A UTF-16 code unit
 * above 255 counts as two bytes, low then high; words are lower-case letters and digits, so no byte
 * is ever zero. The shipped weights are keyed by these hashes: changing the hash means retraining.
 *
 * Incremental use, as the scanners do it in their loops:
 *
 *   h = WORD_HASH_SEED, acc = 0, n = 0
 *   per byte b:  acc |= b << ((n & 3) << 3); if ((++n & 3) === 0) { h = mixGroup(h, acc); acc = 0; }
 *   at the end:  finishWordHash(h, acc, n)
 */

export const WORD_HASH_SEED = 0x811c9dc5 | 0;

/** 30 bits, so hashes stay small integers in V8 (no boxing on the hot path). */
export const HASH_MASK = 0x3fffffff;

/** Mixes one group of four bytes into the hash. */
export function mixGroup(h: number, group: number): number {
  const x = Math.imul(h ^ group, 0x9e3779b1);
  return x ^ (x >>> 15);
}

/** The hash of a word whose last `n & 3` bytes are still in `acc`, masked to {@link HASH_MASK}. */
export function finishWordHash(h: number, acc: number, n: number): number {
  if ((n & 3) !== 0) h = mixGroup(h, acc);
  h ^= n;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) & HASH_MASK;
}

/**
 * A word hash built one code unit at a time. Its state is open so that a hot loop can carry it in
 * locals and write it back (the full scanner's run of ASCII letters).
 */
export class WordHasher {
  /** Mixed so far. */
  h = WORD_HASH_SEED;
  /** The bytes of the group not yet mixed in. */
  acc = 0;
  /** Bytes added. */
  n = 0;

  reset(): this {
    this.h = WORD_HASH_SEED;
    this.acc = 0;
    this.n = 0;
    return this;
  }

  add(unit: number): void {
    if (unit > 255) {
      this.byte(unit & 255);
      unit >>>= 8;
    }
    this.byte(unit);
  }

  value(): number {
    return finishWordHash(this.h, this.acc, this.n);
  }

  private byte(b: number): void {
    this.acc |= b << ((this.n & 3) << 3);
    if ((++this.n & 3) === 0) {
      this.h = mixGroup(this.h, this.acc);
      this.acc = 0;
    }
  }
}

/** The hash of a one-character word (a code unit above 255 is its two bytes, packed as itself). */
export function hashUnit(unit: number): number {
  return finishWordHash(WORD_HASH_SEED, unit, unit > 255 ? 2 : 1);
}

const scratch = new WordHasher();

/** The hash of a word (its UTF-16 code units, as above). */
export function hashWord(word: string): number {
  scratch.reset();
  for (let i = 0; i < word.length; i++) scratch.add(word.charCodeAt(i));
  return scratch.value();
}
