/**
 * The WebAssembly stage of the toxicity scanner (fast-scan.wat): plain sentences in one pass over
 * their UTF-8 bytes (≈ 2.5 µs per KB of plain text here; the JavaScript first stage takes over twice that).
 * Instantiated once, on first use, from bytes shipped in the package; when WebAssembly is
 * unavailable the scanner runs without it (same results, slower).
 */
import { FAST_SCAN_WASM } from './fast-scan-wasm.js';
import { decodeBase64 } from './model.js';
import { hashWord } from './word-hash.js';

// Memory layout: keep in step with the header of fast-scan.wat.
/** The class fast-scan.wat gives the bytes of characters outside ASCII. */
const NON_ASCII = 7;
/** TERM (fast-scan.wat) by class: separator 0, sentence end 1, letter or digit 2, anything else 3. */
const TERM_OF_CLASS = [0, 2, 2, 3, 3, 3, 1, 3];
const STATE = 1024;
const RING = 2048;
const UNI = 16384;
const HOT = 81920;
const HOT_BITS = 20;
const COLL = 212992;
const COLL_BITS = 18;
const TERM = 245760;
const FOLD = 246096;
const SELF = 253936;
const SELF_SLOTS = 512;
const MODEL = 262144;
const MODEL_CAPACITY = 262144;
const IN = 524288;
const IN_END = 655360;
const EMOJI = 655360;
const PHRASE = 1216;
const U16 = 720896;
const LHOT = 786432;
const LHOT_BITS = 18;
/** Code units `encode` takes at once (the U16 region, 64 KiB). */
const U16_UNITS = 32768;
/** Words the ring remembers (fast-scan.wat masks with 1023). */
export const FAST_RING = 1024;

/** Model state slots in `state` (fast-scan.wat reads and writes them at STATE + 4 × slot). */
export const S = {
  prev: 0,
  count: 1,
  prefT: 2,
  prefH: 3,
  maxT: 4,
  maxH: 5,
  msT: 6,
  msH: 7,
  meT: 8,
  meH: 9,
  bailAt: 10,
  safeByte: 11,
  modelMask: 12,
  sawGroup: 13,
  zeroU: 14,
} as const;

/**
 * What {@link FastScanTables.word} says of a word (flags; 0: not listed). The stage stops at `stop`;
 * the others feed the phrase checks it runs as `plain` does (fast-scan.wat, "The phrase checks").
 */
export const WORD = {
  stop: 1,
  listed: 2,
  group: 4,
  violent: 8,
  dehuman: 16,
  person: 32,
  country: 64,
  live: 128,
  back: 256,
} as const;

/** Hashes of the words the phrase checks compare with, as `plain` does. */
export interface PhraseHashes {
  readonly be: number;
  readonly you: number;
  readonly to: number;
  readonly death: number;
}

export interface FastScanTables {
  /** ASCII character classes (the scanner's CLASS). */
  readonly ascii: Uint8Array;
  /** The ASCII letter a code point is read as when that is all it is read as (U+0080..U+07FF), else 0. */
  readonly letterOf: (cp: number) => number;
  /** Class of a code point outside ASCII: 0 stop, 1 separator, 2 skipped. */
  readonly codePoint: (cp: number) => 0 | 1 | 2;
  /** BMP and U+1F000..U+1FFFF code points classified up front (the rest stop the WebAssembly stage). */
  readonly codePointRanges: readonly (readonly [number, number])[];
  /** Words the first stage must see (by hash; the plain-word loop looks those of ASCII letters up by their letters). */
  readonly hot: readonly string[];
  /** Hashes of the collapsed forms of listed words. */
  readonly collapsed: Iterable<number>;
  /** Words with repeated letters that are never read as the word they collapse to ("will", "root"). */
  readonly readAsWritten: readonly string[];
  readonly model: Int8Array;
  readonly modelMask: number;
  /** Table index of the zero unigram bucket (group names). */
  readonly zeroUnigram: number;
  /** A word in the hot filter, or near a violent word or "death": its {@link WORD} flags. */
  readonly word: (input: Uint8Array, hash: number, start: number, letters: number) => number;
  readonly phrase: PhraseHashes;
  /** Letters and digits together: whether the full scan could read them as a listed word. */
  readonly mixed: (input: Uint8Array, start: number, length: number) => boolean;
  /** Letters after leading symbols ("**bold**", "#tag"; `hash` of its letters and digits): whether the full scan could read it as a listed word. */
  readonly lead: (input: Uint8Array, start: number, length: number, hash: number) => boolean;
  /**
   * Whether the word of `letters` letters from byte `start` of `input` (hash `hash`, collapsed
   * hash `collapsed`) is read as the listed word it collapses to ("fuuuck"). Called only for words
   * with repeated letters whose collapsed hash is in the filter.
   */
  readonly collapses: (input: Uint8Array, hash: number, collapsed: number, start: number, letters: number) => boolean;
}

export interface FastScan {
  /** Scans bytes [fromByte, nb] of `input`; see fast-scan.wat's `run`. */
  readonly run: (from: number, fromByte: number, nb: number, end: number) => number;
  /** Where the text's UTF-8 bytes go (byte `nb` must be a space). */
  readonly input: Uint8Array;
  /**
   * Writes `text` into `input` as UTF-8, exactly as TextEncoder.encodeInto would, and returns the
   * bytes written; -1 when it cannot (no Node.js Buffer, or more than 32 Ki code units). With
   * `foldLetters` (the default), a character the scanner reads as one ASCII letter ("é", Cyrillic
   * "а") is written as that letter: one byte for its one code unit.
   */
  readonly encode: (text: string, foldLetters?: boolean) => number;
  readonly state: Int32Array;
  /** [toxic prefix sum, hate prefix sum, start offset] per word, word i at 3 × (i % FAST_RING). */
  readonly ring: Int32Array;
}

/** The part of the WebAssembly API used here (the package's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: { env: Record<string, (...args: number[]) => number> },
  ) => { exports: Exports };
}
interface Exports {
  memory: { buffer: ArrayBuffer };
  run: FastScan['run'];
  utf8: (units: number, fold: number) => number;
}
/** The part of Node.js's Buffer used here: a view of the module's memory that writes UTF-16 into it. */
interface NodeBuffer {
  from(
    buffer: ArrayBuffer,
    offset: number,
    length: number,
  ): { write(text: string, offset: number, encoding: 'utf16le'): number };
}

/** The instantiated stage, or undefined when WebAssembly is unavailable or the model does not fit. */
export function createFastScan(t: FastScanTables): FastScan | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined || t.model.length > MODEL_CAPACITY) return undefined;
  let exports: Exports;
  let input = new Uint8Array(0);
  const env = {
    collapses: (hash: number, collapsed: number, start: number, letters: number): number =>
      t.collapses(input, hash, collapsed, start, letters) ? 1 : 0,
    word: (hash: number, start: number, letters: number): number => t.word(input, hash, start, letters),
    mixed: (start: number, length: number): number => (t.mixed(input, start, length) ? 1 : 0),
    lead: (start: number, length: number, hash: number): number => (t.lead(input, start, length, hash) ? 1 : 0),
  };
  try {
    exports = new wasm.Instance(new wasm.Module(decodeBase64(FAST_SCAN_WASM)), { env }).exports;
  } catch {
    return undefined; // e.g. a runtime that forbids compiling WebAssembly
  }
  const buffer = exports.memory.buffer;
  const bytes = new Uint8Array(buffer);
  bytes.set(t.ascii.subarray(0, 128), 0);
  bytes.fill(NON_ASCII, 128, 256);
  for (let cp = 0x80; cp < 0x800; cp++) bytes[FOLD - 0x80 + cp] = t.letterOf(cp);
  for (let c = 0; c < 256; c++) bytes[TERM + c] = TERM_OF_CLASS[bytes[c] as number] as number;
  for (const [lo, hi] of t.codePointRanges)
    for (let cp = lo; cp <= hi; cp++) bytes[(cp < 0x10000 ? UNI : EMOJI - 0x1f000) + cp] = t.codePoint(cp);
  setBits(bytes, HOT, HOT_BITS, t.hot.map(hashWord));
  const lettersOnly = /^[a-z]{1,15}$/;
  setBits(bytes, LHOT, LHOT_BITS, t.hot.filter((w) => lettersOnly.test(w)).map(letterKey));
  placeWords(
    new DataView(buffer, SELF, 16 * (SELF_SLOTS + 1)),
    t.readAsWritten.filter((w) => lettersOnly.test(w)),
  );
  setBits(bytes, COLL, COLL_BITS, t.collapsed);
  bytes.set(new Uint8Array(t.model.buffer, t.model.byteOffset, t.model.byteLength), MODEL);
  const state = new Int32Array(buffer, STATE, 16);
  state[S.modelMask] = t.modelMask;
  state[S.zeroU] = t.zeroUnigram;
  new Int32Array(buffer, PHRASE, 4).set([t.phrase.be, t.phrase.you, t.phrase.to, t.phrase.death]);
  input = new Uint8Array(buffer, IN, IN_END - IN);
  // One memory copy of the UTF-16 text (Buffer.write) and the module's own UTF-8 pass beat
  // TextEncoder.encodeInto's native pass about threefold on Node.js 20.
  const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
  const u16 = nodeBuffer?.from(buffer, U16, 2 * U16_UNITS);
  const utf8 = exports.utf8;
  const encode = (text: string, foldLetters = true): number => {
    if (u16 === undefined || text.length > U16_UNITS) return -1;
    u16.write(text, 0, 'utf16le');
    return utf8(text.length, foldLetters ? 1 : 0);
  };
  return { run: exports.run, input, encode, state, ring: new Int32Array(buffer, RING, 3 * FAST_RING) };
}

const U64 = (1n << 64n) - 1n;
/** A word of at most 15 lower-case ASCII letters as fast-scan.wat's $words holds it: its bytes as two little-endian 64-bit halves. */
function halves(word: string): [bigint, bigint] {
  let lo = 0n;
  let hi = 0n;
  for (let k = 0; k < word.length; k++) {
    const b = BigInt(word.charCodeAt(k));
    if (k < 8) lo |= b << BigInt(8 * k);
    else hi |= b << BigInt(8 * (k - 8));
  }
  return [lo, hi];
}

/** fast-scan.wat's key for such a word ($words, LHOT and SELF): (lo ^ rotl(hi, 29)) × 0x9e3779b97f4a7c15, top 18 bits. */
function letterKey(word: string): number {
  const [lo, hi] = halves(word);
  const rot = ((hi << 29n) | (hi >> 35n)) & U64;
  return Number((((lo ^ rot) * 0x9e3779b97f4a7c15n) & U64) >> 46n);
}

/**
 * SELF: each word at slot (key & 511) or the next, as (lo, hi). A word that finds both taken is
 * left out: $words then takes the slower path for it, with the same result.
 */
function placeWords(table: DataView, words: readonly string[]): void {
  for (const w of words) {
    const [lo, hi] = halves(w);
    const slot = letterKey(w) & (SELF_SLOTS - 1);
    for (const s of [slot, slot + 1]) {
      if (table.getBigUint64(16 * s, true) !== 0n) continue;
      table.setBigUint64(16 * s, lo, true);
      table.setBigUint64(16 * s + 8, hi, true);
      break;
    }
  }
}

function setBits(bytes: Uint8Array, base: number, bits: number, hashes: Iterable<number>): void {
  const mask = (1 << bits) - 1;
  for (const h of hashes) {
    const x = h & mask;
    bytes[base + (x >>> 3)] = (bytes[base + (x >>> 3)] as number) | (1 << (x & 7));
  }
}
