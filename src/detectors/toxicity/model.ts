/**
 * The shipped linear model: int8 weights over the hashed features of features.ts (words, word
 * pairs, words said of a group or of "you") of the normalised, de-obfuscated text, two heads
 * (`toxic`, `hate`), scored over sliding windows of
 * {@link WINDOW} words (the highest-scoring window wins, so the score does not grow with the
 * length of a benign text). `scripts/train-toxicity.ts` writes `weights.ts`.
 */
import { WEIGHTS } from './weights.js';

/** Hash buckets are `2 ** BITS`; each bucket holds one int8 weight per head. */
export const BITS = 16;
export const MASK = (1 << BITS) - 1;
/**
 * A feature is a 30-bit hash (features.ts): its low {@link BITS} bits pick the bucket, the next 8
 * are its check byte. A bucket belongs to one feature, the most frequent one the trainer saw in it;
 * another feature that lands there (a word or pair the data never had, or a rarer one) reads zero
 * unless its check byte matches (1 in 256). Without the check, an unseen word took whatever weight
 * the features sharing its bucket had learned, and long answers in other languages or code scored
 * like hate.
 */
export const checkOf = (feature: number): number => (feature >>> BITS) & 0xff;
/** An empty feature slot (features.ts): weight zero. */
export const NO_FEATURE = -1;
/** Words per scored window. */
export const WINDOW = 24;
/** Number of heads: 0 = toxic (hate or offensive), 1 = hate (identity attack). */
export const HEADS = 2;
/** The bucket one past the trained ones, always zero: the trainer's bucket for a feature that owns none. */
export const ZERO_BUCKET = 1 << BITS;
/** Entries of the in-memory table: the 2^BITS trained buckets and the zero bucket, HEADS each. */
export const TABLE_SIZE = (HEADS << BITS) + HEADS;
/** The "previous word" of the first word. */
export const BOS = 0x2545f491;

/** Hash of the bigram (a, b). */
export function bigramHash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

export interface Model {
  /** `table[bucket * HEADS + head]`, int8; {@link TABLE_SIZE} entries (the last bucket is zero). */
  readonly table: Int8Array;
  /** The check byte of the feature each bucket belongs to ({@link checkOf}). */
  readonly check: Uint8Array;
  /** Real weight = int8 × scale[head]. */
  readonly scale: readonly number[];
  /** Logit offset per head (includes the calibration shift). */
  readonly bias: readonly number[];
  /** Slope applied to (window logit) before the sigmoid, per head. */
  readonly slope: readonly number[];
}

let model: Model | undefined;

/** Decodes the weights once, on first use. */
export function loadModel(): Model {
  if (model) return model;
  const table = new Int8Array(TABLE_SIZE);
  const bytes = decodeBase64(WEIGHTS.data);
  const check = decodeBase64(WEIGHTS.check);
  if (bytes.length !== HEADS << BITS || check.length !== 1 << BITS)
    throw new Error('toxicity: weights do not match the model shape');
  table.set(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  model = { table, check, scale: WEIGHTS.scale, bias: WEIGHTS.bias, slope: WEIGHTS.slope };
  return model;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 decoding without Buffer or atob, so the bundle has no runtime dependency. */
export function decodeBase64(s: string): Uint8Array {
  const lut = new Uint8Array(128);
  for (let i = 0; i < 64; i++) lut[B64.charCodeAt(i)] = i;
  let len = s.length;
  while (len > 0 && s.charCodeAt(len - 1) === 61) len--;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const a = lut[s.charCodeAt(i)] ?? 0;
    const b = lut[s.charCodeAt(i + 1)] ?? 0;
    const c = i + 2 < len ? (lut[s.charCodeAt(i + 2)] ?? 0) : 0;
    const d = i + 3 < len ? (lut[s.charCodeAt(i + 3)] ?? 0) : 0;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
