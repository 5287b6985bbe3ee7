/**
 * The toxicity scanner: one pass over the text, character by character, with bounded state.
 *
 * Stage 1 (every character): character normalisation, tokenisation, an incremental word hash
 * and a 64 Ki-entry filter that clears almost every word of ordinary text with one array read.
 * Per word, the model adds two int8 weights (unigram, bigram) to a sliding-window sum.
 * Stage 2 (only for words that pass the filter, or look obfuscated): lexicon look-up, leetspeak,
 * masks, letter runs and repeated letters — each applied only when it produces a known word —
 * and the context patterns (who is addressed, which verb, which group).
 *
 * Because all state is carried across `push` calls and the per-character work never looks
 * ahead beyond bounded buffers, feeding a text in chunks gives exactly the result of feeding it
 * at once, with O(chunk) work per chunk.
 */
import {
  FILTER_MASK,
  ORDINARY_DOUBLE_WORDS,
  R,
  collapseRepeats,
  lexicon,
  type LexEntry,
  type Lexicon,
} from './lexicon.js';
import { HASH_MASK, WORD_HASH_SEED, WordHasher, finishWordHash, hashUnit, hashWord, mixGroup } from './word-hash.js';
import { BOS, GROUP_FLAG, MASK, TABLE_SIZE, WINDOW, ZERO_BUCKET, bigramHash, loadModel, type Model } from './model.js';
import { FAST_RING, S, WORD, createFastScan, type FastScan } from './fast-scan.js';
import { mapCodePoint } from './normalize.js';

/** The five categories, each scored in [0, 1]. */
export const CATEGORIES = ['toxicity', 'insult', 'profanity', 'identity_attack', 'threat'] as const;
export type ToxicityCategory = (typeof CATEGORIES)[number];
export type ToxicityScores = Record<ToxicityCategory, number>;

/** A piece of the original text that contributed to a score. */
export interface ToxicitySpan {
  readonly category: ToxicityCategory;
  /** Offsets in the ORIGINAL text (UTF-16 code units), end exclusive. */
  readonly start: number;
  readonly end: number;
  /** The canonical word or phrase recognised (after de-obfuscation), e.g. "fuck" for "f.u.c.k". */
  readonly match: string;
  readonly score: number;
  /** Why this span counts, in a few words. */
  readonly why: string;
}

export interface ToxicityResult {
  readonly scores: ToxicityScores;
  /** Contributing spans, strongest per category first; at most {@link MAX_SPANS}. */
  readonly spans: readonly ToxicitySpan[];
}

export const MAX_SPANS = 32;
/** Model-only evidence is reported as a span from this score up. */
const EXTRA_SPAN = 0.25;
/** "No window yet": below any window sum (a window sums at most 2 × 24 int8 weights). */
const NO_WINDOW = -(1 << 30);
const TOKEN_CAP = 48; // longer "words" are hashed but never looked up
const RUN_CAP = 24; // letters in a run of single letters ("f u c k")
const HIST = 8; // words of context kept for patterns (a power of two)
const SYM_CAP = 8;

// ASCII character classes.
const SEP = 0;
const LET = 1; // lower-case letter after folding
const DIG = 2;
const APOS = 3;
const SYM = 4; // leet / mask symbols that may sit inside a word: @ $ * # | + !
const DROP = 5; // control characters
const END = 6; // sentence end: . ? ! newline
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  let k = SEP;
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) k = LET;
  else if (c >= 48 && c <= 57) k = DIG;
  else if (c === 39 || c === 96) k = APOS;
  else if (c === 64 || c === 36 || c === 42 || c === 35 || c === 124 || c === 43 || c === 33) k = SYM;
  else if (c === 46 || c === 63 || c === 10 || c === 59) k = END;
  else if (c < 32 && c !== 9 && c !== 13) k = DROP;
  else if (c === 127) k = DROP;
  CLASS[c] = k;
}
const IS_MASK = (c: number): boolean => c === 42 || c === 35; // * #
const LEET_A: Record<number, number> = {
  48: 111,
  49: 105,
  51: 101,
  52: 97,
  53: 115,
  55: 116,
  56: 98,
  57: 103,
  64: 97,
  36: 115,
  33: 105,
  124: 108,
  43: 116,
};
const LEET_B: Record<number, number> = { ...LEET_A, 49: 108, 124: 105, 48: 111 };

const H = {
  screw: hashWord('screw'),
  be: hashWord('be'),
  shut: hashWord('shut'),
  bleach: hashWord('bleach'),
  live: hashWord('live'),
  you: hashWord('you'),
  country: hashWord('country'),
  back: hashWord('back'),
  to: hashWord('to'),
  death: hashWord('death'),
  cat: hashWord('cat'),
  cats: hashWord('cats'),
  willow: hashWord('willow'),
  riot: hashWord('riot'),
};
/** Table index of the zero unigram bucket (group names). */
const ZERO_U = ZERO_BUCKET << 1;
/** Hashers for the colder paths (scans are synchronous: never two users at once). */
const scratchHash = new WordHasher();
const scratchHash2 = new WordHasher();
/** Words the first stage's ring remembers (a power of two). */
const BIG = 1024;
const BIG_MASK = BIG - 1;
let hotCache: Uint8Array | undefined;
/** The words whose roles the first stage checks (see `plain`). */
function hotWords(lex: Lexicon): string[] {
  const out: string[] = [];
  for (const e of lex.exact.values())
    if (e.roles & (STAGE1_BAD | R.GROUP | R.DEHUMAN | R.VIOLENT) || STAGE1_SPECIAL.has(e.word)) out.push(e.word);
  return out;
}
/** Words that end a phrase pattern the first stages check. */
const STAGE1_SPECIAL = new Set(['screw', 'shut', 'bleach', 'live', 'country']);
/** Filter buckets of {@link hotWords}. */
function stage1Hot(lex: Lexicon): Uint8Array {
  if (hotCache) return hotCache;
  const hot = new Uint8Array(FILTER_MASK + 1);
  // `plain` also notes "back" ("go back to your country"); the WebAssembly stage stops on "country".
  for (const w of [...hotWords(lex), 'back']) hot[hashWord(w) & FILTER_MASK] = 1;
  return (hotCache = hot);
}

/**
 * Class of a character outside ASCII for the first stages, as `plain` reads it: 1 when it maps to
 * separators (“ ” — …), 2 when it maps to nothing or an apostrophe (zero-width, ’), 0 otherwise.
 */
function codePointClass(cp: number): 0 | 1 | 2 {
  if (cp === 0xfffd || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  const m = mapCodePoint(cp);
  let sep = false;
  for (let j = 0; j < m.length; j++) {
    const d = m.charCodeAt(j);
    const k = d < 128 ? (CLASS[d] as number) : LET;
    if (k === SEP || k === END) sep = true;
    else if (k !== APOS && k !== DROP) return 0;
  }
  return sep ? 1 : 2;
}

let fastCache: FastScan | null | undefined;
/**
 * Set when the WebAssembly stage stops at a word `plain` would stop at too (a listed bad word):
 * that sentence goes straight to the full scan. Scans are synchronous, so one flag serves all.
 */
let fastStoppedForFullScan = false;
/** The WebAssembly stage, built on first use; null when unavailable. */
function fastScan(lex: Lexicon, model: Model): FastScan | null {
  if (fastCache !== undefined) return fastCache;
  const fast = createFastScan({
    ascii: CLASS,
    codePoint: codePointClass,
    letterOf: (cp) => {
      const m = mapCodePoint(cp);
      return m.length === 1 && CLASS[m.charCodeAt(0)] === LET ? m.charCodeAt(0) : 0;
    },
    // Latin-1, punctuation, currency, arrows and maths ("€", "−", "≥"), box drawing and emoji: other
    // characters are rare enough to leave to `plain`.
    codePointRanges: [
      [0x80, 0xff],
      [0x2000, 0x22ff],
      [0x2500, 0x27bf],
      [0x1f300, 0x1faff],
    ],
    // "back" and "death" start patterns ("go back … country", "death to them") the stage checks.
    hot: [...hotWords(lex), 'back', 'death'],
    zeroUnigram: ZERO_U,
    word: (u8, wh, start, letters) => {
      const e = sameLetters(lex.byHash.get(wh), u8, start, letters);
      if (e === undefined) return 0;
      if (e.roles & STAGE1_BAD) {
        fastStoppedForFullScan = true;
        return WORD.stop;
      }
      // As `plain`: these end a phrase pattern whatever comes before.
      if (wh === H.screw || wh === H.shut || wh === H.bleach) return WORD.stop;
      let flags = WORD.listed;
      if (e.roles & R.GROUP) flags |= WORD.group;
      if (e.roles & R.VIOLENT) flags |= WORD.violent;
      if (e.roles & R.DEHUMAN) flags |= WORD.dehuman;
      if (e.roles & R.PERSON) flags |= WORD.person;
      if (wh === H.country) flags |= WORD.country;
      if (wh === H.live) flags |= WORD.live;
      if (wh === H.back) flags |= WORD.back;
      return flags;
    },
    phrase: { be: H.be, you: H.you, to: H.to, death: H.death },
    mixed: (u8, start, length) => readsAsListed(lex, u8, start, length),
    lead: (u8, start, length, wh) => leadListed(lex.filter, wh, u8, start, length),
    collapsed: lex.byCollapsedHash.keys(),
    // As `collapses` below decides: an ordinary word, or a listed word read as itself, is never collapsed.
    readAsWritten: [...lex.exact.values()]
      .filter((e) => lex.byHash.get(hashWord(e.word)) === e)
      .map((e) => e.word)
      .concat(ORDINARY_DOUBLE_WORDS)
      .filter((w) => /([a-z])\1/.test(w)),
    model: model.table,
    modelMask: MASK,
    // As `plain` decides for a word with repeated letters.
    collapses: (u8, wh, collapsed, start, letters) => {
      const ch = collapsed & HASH_MASK;
      return (
        lex.filter[ch & FILTER_MASK] === 1 &&
        !lex.ordinary.has(wh) &&
        lex.byCollapsedHash.get(ch) !== undefined &&
        (lex.filter[wh & FILTER_MASK] === 0 || sameLetters(lex.byHash.get(wh), u8, start, letters) === undefined)
      );
    },
  });
  return (fastCache = fast ?? null);
}
/** Roles the first stage never handles: any of them sends the text to the full scan. */
const STAGE1_BAD = R.PROF | R.EXPLETIVE | R.INSULT | R.SLUR | R.DIE | R.THREATWORD | R.NAMEABLE;
/** Verbs too common in friendly speech to make a threat on their own ("I'll beat you at chess"). */
const WEAK_VERBS = new Set(['beat', 'hunt', 'burn', 'bomb']);
const STRONG_VERBS = new Set([
  'kill',
  'murder',
  'shoot',
  'stab',
  'hang',
  'lynch',
  'gas',
  'exterminate',
  'slaughter',
  'behead',
  'decapitate',
  'rape',
  'strangle',
  'massacre',
  'execute',
  'torture',
  'butcher',
  'eradicate',
  'annihilate',
  'genocide',
  'slit',
  'drown',
  'burn',
]);

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

interface Hit {
  category: ToxicityCategory;
  start: number;
  end: number;
  match: string;
  score: number;
  why: string;
}

/**
 * Incremental scanner. `push` text in any chunks; `scores()`/`result()` give the scores of
 * everything pushed so far (exactly those of scanning it at once); `end()` finishes.
 */
export class ToxicityScanner {
  private readonly lex: Lexicon = lexicon();
  private readonly model: Model;
  private readonly sink: ((hash: number) => void) | undefined;

  private pos: number = 0; // global offset of the next code unit
  private high: number = -1; // pending high surrogate
  // Current word
  private tLen: number = 0;
  private tStart: number = 0;
  private tEnd: number = 0;
  private tLast: number = -1;
  /** The word hash of tBuf (word-hash.ts), kept as the units arrive. */
  private readonly tHash = new WordHasher();
  private tRepeat: boolean = false;
  private tDigit: boolean = false;
  private tSym: boolean = false;
  private tLetters: number = 0;
  private tUpper: boolean = false;
  private tOther: boolean = false; // letters of non-Latin scripts
  private tBuf = new Uint16Array(TOKEN_CAP);
  // Symbols after a word that join it only if a letter follows ("sh!t" but not "hi!")
  private sLen: number = 0;
  private sBuf = new Uint16Array(SYM_CAP);
  private sEnd: number = 0;
  // Gap since the last word
  private gapLen: number = 0;
  private gapEnd: boolean = true; // sentence ended in the gap (true at the start)
  private gapNewline: boolean = false;
  // Run of single letters
  private rLen: number = 0;
  private rBuf = new Uint16Array(RUN_CAP);
  private rStart = new Int32Array(RUN_CAP);
  private rEnd = new Int32Array(RUN_CAP);
  private rSent = new Uint8Array(RUN_CAP);
  private rUpper = new Uint8Array(RUN_CAP);
  // A capitalised ambiguous word ("Dick") waiting for the next word
  private pEntry: LexEntry | undefined = undefined;
  private pStart: number = 0;
  private pEnd: number = 0;
  private pSent: boolean = false;
  private pUpper: boolean = false;
  private pHash: number = 0;
  private pPrevUpperMid: boolean = false;
  // Word history for patterns
  private hCount: number = 0;
  private sentLen: number = 0; // words before the current one in this sentence
  private hRoles = new Int32Array(HIST);
  private hWord: (string | undefined)[] = new Array<string | undefined>(HIST).fill(undefined);
  private hStart = new Int32Array(HIST);
  private hUpper = new Uint8Array(HIST);
  private hSent = new Uint8Array(HIST);
  // Model
  private mCount: number = 0;
  private mPrev: number = BOS;
  private mSlot: number = 0; // ring slot of the last word; slot of word i is i % WINDOW
  private mPrefT: number = 0; // prefix sums of the two heads, in int8 units, wrapping at 2^32 (differences stay exact)
  private mPrefH: number = 0;
  private mRing = new Int32Array(2 * WINDOW); // prefix sums of the last WINDOW words, per head
  private mStarts = new Int32Array(WINDOW);
  /** The WebAssembly stage's ring holds the window and mRing/mStarts do not (it finished a segment). */
  private ringInFast: boolean = false;
  private mMaxT: number = NO_WINDOW;
  private mMaxH: number = NO_WINDOW;
  private mMaxStartT: number = 0;
  private mMaxStartH: number = 0;
  private mMaxEndT: number = 0;
  private mMaxEndH: number = 0;
  // Evidence
  private best: Record<ToxicityCategory, Hit | undefined> = {
    toxicity: undefined,
    insult: undefined,
    profanity: undefined,
    identity_attack: undefined,
    threat: undefined,
  };
  private spans: Hit[] = [];
  private sawGroup: boolean = false;
  private insultWord: number = 0; // strongest insult word seen, aimed or not
  private ended: boolean = false;
  /** Rule hits so far, and what `committedScores()` last saw (it answers only when something changed). */
  private hits: number = 0;
  private lastKey: number = -1;
  private lastMaxT: number = NO_WINDOW;
  private lastMaxH: number = NO_WINDOW;
  /** @internal Whether the last `scanWhole` was finished by the first stage alone. */
  lastStage1: boolean = false;
  /** Where the first stage last stopped, and the byte index of the safe point it returned. */
  private bailAt: number = 0;
  private safeByte: number = 0;
  /** The first stage's ring of prefix sums and starts, BIG words deep (allocated on first use). */
  private big: Int32Array | undefined = undefined;

  /** @param sink internal: receives the model's word hashes (the trainer uses it). */
  constructor(sink?: (hash: number) => void) {
    this.sink = sink;
    // The trainer (sink) only needs words: it must not depend on the weights it is about to write.
    this.model = sink ? { table: new Int8Array(TABLE_SIZE), scale: [0, 0], bias: [0, 0], slope: [1, 1] } : loadModel();
    this.reset();
  }

  /** Forgets everything pushed so far; the scanner can be used for a new text. */
  reset(): void {
    this.pos = 0;
    this.high = -1;
    this.tLen = 0;
    this.tStart = 0;
    this.tEnd = 0;
    this.tLast = -1;
    this.tRepeat = false;
    this.tDigit = false;
    this.tSym = false;
    this.tLetters = 0;
    this.tUpper = false;
    this.tOther = false;
    this.sLen = 0;
    this.sEnd = 0;
    this.gapLen = 0;
    this.gapEnd = true;
    this.gapNewline = false;
    this.rLen = 0;
    this.pEntry = undefined;
    this.pStart = 0;
    this.pEnd = 0;
    this.pSent = false;
    this.pUpper = false;
    this.pHash = 0;
    this.pPrevUpperMid = false;
    this.hCount = 0;
    this.sentLen = 0;
    this.mCount = 0;
    this.ringInFast = false;
    this.mPrev = BOS;
    this.best = {
      toxicity: undefined,
      insult: undefined,
      profanity: undefined,
      identity_attack: undefined,
      threat: undefined,
    };
    this.spans = [];
    this.sawGroup = false;
    this.insultWord = 0;
    this.ended = false;
    this.hits = 0;
    this.lastKey = -1;
    this.mSlot = 0;
    this.mPrefT = this.mPrefH = 0;
    this.mMaxT = this.mMaxH = NO_WINDOW;
    this.mMaxStartT = this.mMaxStartH = this.mMaxEndT = this.mMaxEndH = 0;
  }

  /** Feeds the next chunk of text. Work is linear in the chunk's length. */
  push(chunk: string): void {
    if (this.ended) throw new Error('toxicity scanner: push() after end()');
    const n = chunk.length;
    const base = this.pos;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.high >= 0) {
        const hi = this.high;
        this.high = -1;
        if (c >= 0xdc00 && c <= 0xdfff) {
          this.mapped(0x10000 + ((hi - 0xd800) << 10) + (c - 0xdc00), base + i - 1);
          // A word ending in this character ends after both halves of the pair.
          if (this.tLen > 0 && this.tEnd === base + i) this.tEnd = base + i + 1;
          continue;
        }
        this.mapped(hi, base + i - 1); // lone high surrogate
      }
      if (c < 128) {
        const k = CLASS[c] as number;
        if (k === LET) {
          // Hot path: a run of ASCII letters, in locals (hashed as they come, as `add` does).
          if (this.tLen === 0) this.startWord(base + i, c < 97);
          else if (this.sLen > 0) this.commitSyms();
          const buf = this.tBuf;
          let len = this.tLen;
          let last = this.tLast;
          let rep = this.tRepeat;
          const th = this.tHash;
          let h = th.h;
          let acc = th.acc;
          let hn = th.n;
          const from = i;
          let d = c | 32;
          for (;;) {
            if (len < TOKEN_CAP) {
              buf[len] = d;
              acc |= d << ((hn & 3) << 3);
              if ((++hn & 3) === 0) {
                h = mixGroup(h, acc);
                acc = 0;
              }
            }
            len++;
            if (d === last) rep = true;
            last = d;
            if (i + 1 >= n) break;
            const e = chunk.charCodeAt(i + 1);
            if (e >= 128 || CLASS[e] !== LET) break;
            d = e | 32;
            i++;
          }
          this.tLen = len;
          this.tLast = last;
          this.tRepeat = rep;
          th.h = h;
          th.acc = acc;
          th.n = hn;
          this.tLetters += i - from + 1;
          this.tEnd = base + i + 1;
        } else if (k === SEP) {
          if (this.tLen > 0) this.endWord(false);
          this.gapLen++;
        } else this.ascii(c, k, base + i);
      } else if (c >= 0xd800 && c <= 0xdbff) {
        this.high = c;
      } else {
        this.mapped(c, base + i);
      }
    }
    this.pos = base + n;
  }

  /** Scores of everything pushed so far (does not end the scan). */
  scores(): ToxicityScores {
    return this.result().scores;
  }

  /** Scores and spans of everything pushed so far (does not end the scan). */
  result(): ToxicityResult {
    if (this.ended) return this.finish();
    return this.clone().finishNow();
  }

  /** @internal Rule evidence of the text scanned so far, for the trainer (see `trainerView`). */
  trainerEvidence(words: number[]): TrainerView {
    const b = this.best;
    return {
      words,
      profanity: b.profanity?.score ?? 0,
      rules: Math.max(b.insult?.score ?? 0, b.identity_attack?.score ?? 0, b.threat?.score ?? 0),
      sawGroup: this.sawGroup,
    };
  }

  /** Ends the text and returns the final result. Further `push` calls throw. */
  end(): ToxicityResult {
    if (!this.ended) {
      this.flushAll();
      this.ended = true;
    }
    return this.finish();
  }

  private finishNow(): ToxicityResult {
    this.flushAll();
    this.ended = true;
    return this.finish();
  }

  private flushAll(): void {
    if (this.high >= 0) {
      const hi = this.high;
      this.high = -1;
      this.mapped(hi, this.pos - 1);
    }
    this.endWord(true);
    this.flushRun();
    this.flushPending(false, false, 0);
  }

  private clone(): ToxicityScanner {
    const c = Object.create(ToxicityScanner.prototype) as ToxicityScanner;
    Object.assign(c, this);
    const self = this as unknown as Record<string, unknown>;
    const other = c as unknown as Record<string, unknown>;
    for (const key of Object.keys(self)) {
      const v = self[key];
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) other[key] = (v as Uint8Array).slice();
      else if (Array.isArray(v)) other[key] = v.slice();
    }
    other.best = { ...this.best };
    return c;
  }

  // ---- first stage (whole texts) -----------------------------------------------------------

  /**
   * First stage, over a whole text from `from` (where the scanner's state is "safe": no token,
   * letter run or ambiguous word pending, sentence just ended). One tight loop over plain text
   * that computes the model's windows exactly and stops on anything that could make a rule fire
   * or needs de-obfuscation: a word with a "bad" role (swear word, insult, slur, violent verb,
   * die, kys, ambiguous name), the ends of phrase patterns ("shut", "screw", "bleach", "you
   * live", "death to <person>", "go back … country", a group then vermin-words), letters glued
   * to digits or symbols, masks, three single letters in a row, letters outside ASCII,
   * surrogates, overlong tokens. Where it passes, every pattern the full scan would run finds
   * nothing (their only effect is noting that a group was named) and the model sees the same
   * words, so the state it leaves is exactly the full scan's.
   *
   * Returns `end` when done; otherwise the last safe point (just after a sentence end, or `from`)
   * at or before the trouble, with the scanner's state set as the full scan would have it there,
   * and `bailAt` = where the trouble is. Returns -1 when that safe point is too far back to
   * restore (the caller then scans the whole text in full). With `stopAt` ≥ 0 it also stops at the
   * first safe point after `stopAt` (`bailAt` = -1 then), handing back to the WebAssembly stage.
   */
  private plain(
    text: string,
    from: number,
    fromByte: number,
    u8: Uint8Array,
    nb: number,
    end: number,
    stopAt: number,
  ): number {
    const lex = this.lex;
    const filter = lex.filter;
    const hot = stage1Hot(lex);
    const byHash = lex.byHash;
    const byCollapsed = lex.byCollapsedHash;
    const ordinary = lex.ordinary;
    const t = this.model.table;
    const big = (this.big ??= new Int32Array(3 * BIG));
    // Model state, from the scanner's.
    let prev = this.mPrev;
    let count = this.mCount;
    let prefT = this.mPrefT;
    let prefH = this.mPrefH;
    let maxT = this.mMaxT;
    let maxH = this.mMaxH;
    let msT = this.mMaxStartT;
    let msH = this.mMaxStartH;
    let meT = this.mMaxEndT;
    let meH = this.mMaxEndH;
    let sawGroup = this.sawGroup;
    this.ringOut(big, BIG_MASK);
    // The last safe point.
    let sPos = from;
    let sByte = fromByte;
    let sPrev = prev;
    let sCount = count;
    let sPrefT = prefT;
    let sPrefH = prefH;
    let sMaxT = maxT;
    let sMaxH = maxH;
    let sMsT = msT;
    let sMsH = msH;
    let sMeT = meT;
    let sMeH = meH;
    let sSawGroup = sawGroup;
    // Context for the phrase checks (within a line: patterns never look across a sentence end).
    let wc = 0;
    let p1 = 0; // hashes of the last three words
    let p2 = 0;
    let p3 = 0;
    let lastGroup = -100;
    let lastBack = -100;
    let lastViolent = -100;
    let singles = 0;
    // Current token
    let tl = 0;
    let letters = 0;
    let digits = false;
    let sym = false;
    // The word hash in progress (word-hash.ts): groups mixed into h, the last hn & 3 bytes in acc.
    let h = WORD_HASH_SEED;
    let acc = 0;
    let hn = 0;
    let last = -1;
    let rep = false;
    let ts = 0;
    let tb = 0; // byte index of the token's start
    let te = 0;
    let pend = 0;
    let pendMask = true;
    let bail = -1;
    let stopped = false;
    let mapped = false; // the token has letters from outside ASCII ("café"): its bytes are not its letters
    let lead = false; // the token is letters after leading symbols ("**bold")
    let pendEnd = 0; // offset after the last symbol waiting after a word
    // The text as UTF-8 bytes (one native pass): offset in the text = byte index - adj.
    let adj = fromByte - from;
    outer: for (let i = fromByte; i <= nb; i++) {
      const c = u8[i] as number; // u8[nb] is a space: it ends the last token
      let k: number;
      if (c < 128) k = CLASS[c] as number;
      else {
        // Decode one code point; U+FFFD (a lone surrogate) goes to the full scan.
        let cp: number;
        if (c >= 0xc0 && c < 0xe0) {
          cp = ((c & 0x1f) << 6) | ((u8[i + 1] as number) & 0x3f);
          i += 1;
          adj += 1;
        } else if (c >= 0xe0 && c < 0xf0) {
          cp = ((c & 0x0f) << 12) | (((u8[i + 1] as number) & 0x3f) << 6) | ((u8[i + 2] as number) & 0x3f);
          i += 2;
          adj += 2;
        } else if (c >= 0xf0 && c < 0xf8) {
          // Outside the BMP: four bytes, two UTF-16 code units.
          cp =
            ((c & 0x07) << 18) |
            (((u8[i + 1] as number) & 0x3f) << 12) |
            (((u8[i + 2] as number) & 0x3f) << 6) |
            ((u8[i + 3] as number) & 0x3f);
          i += 3;
          adj += 2;
        } else cp = 0xfffd;
        if (cp === 0xfffd) {
          bail = i - adj;
          break;
        }
        const m = mapCodePoint(cp);
        if (cp < 0x10000 && latinLetters(m)) {
          // "é", "ß", "æ": letters of the word, as the full scan reads them ("café" → "cafe").
          if (tl === 0) {
            ts = i - adj;
            h = WORD_HASH_SEED;
            acc = hn = 0;
            last = -1;
            rep = false;
          } else if (pend > 0 || sym) {
            bail = i - adj;
            break;
          }
          for (let j = 0; j < m.length; j++) {
            const d = m.charCodeAt(j) | 32;
            acc |= d << ((hn & 3) << 3);
            if ((++hn & 3) === 0) {
              h = mixGroup(h, acc);
              acc = 0;
            }
            if (d === last) rep = true;
            last = d;
          }
          tl += m.length;
          letters += m.length;
          te = i + 1 - adj;
          mapped = true;
          continue;
        }
        let sep = false;
        for (let j = 0; j < m.length; j++) {
          const d = m.charCodeAt(j);
          const kd = d < 128 ? (CLASS[d] as number) : LET;
          if (kd === SEP || kd === END) sep = true;
          else if (kd !== APOS && kd !== DROP) {
            bail = i - adj;
            break outer;
          }
        }
        if (!sep) continue; // dropped, or an apostrophe
        k = SEP;
      }
      if (k === LET) {
        if (tl === 0) {
          ts = i - adj;
          tb = i;
          h = WORD_HASH_SEED;
          acc = hn = 0;
          last = -1;
          rep = false;
        } else if (sym && letters === 0 && !digits) {
          // Letters after leading symbols ("**bold", "#tag", "@user"): one word, decided at its end.
          lead = true;
          sym = false; // `lead` carries it from here
          tl += pend;
          pend = 0;
          pendMask = true;
        } else if (pend > 0 || sym) {
          bail = i - adj;
          break;
        }
        // A run of ASCII letters, in locals.
        let j = i;
        let d = c | 32;
        for (;;) {
          acc |= d << ((hn & 3) << 3);
          if ((++hn & 3) === 0) {
            h = mixGroup(h, acc);
            acc = 0;
          }
          if (d === last) rep = true;
          last = d;
          j++;
          if (j >= nb) break;
          const x = u8[j] as number;
          if (x >= 128 || CLASS[x] !== LET) break;
          d = x | 32;
        }
        tl += j - i;
        letters += j - i;
        te = j - adj;
        i = j - 1;
        continue;
      }
      if (k === DIG) {
        if (tl === 0) {
          ts = i - adj;
          tb = i;
          h = WORD_HASH_SEED;
          acc = hn = 0;
        } else if (pend > 0) {
          if (letters > 0) {
            bail = i - adj; // "x+5", "sh1t!": symbols inside a word
            break;
          }
          // Symbols between digits join the number ("5*4"); its hash keeps only the digits.
          tl += pend;
          sym = true;
          pend = 0;
          pendMask = true;
        }
        acc |= c << ((hn & 3) << 3);
        if ((++hn & 3) === 0) {
          h = mixGroup(h, acc);
          acc = 0;
        }
        tl++;
        digits = true;
        te = i + 1 - adj;
        continue;
      }
      if (k === APOS || k === DROP) continue;
      if (k === SYM) {
        if (tl > 0) {
          if (pend >= SYM_CAP - 1) {
            bail = i - adj;
            break;
          }
          pend++;
          pendEnd = i + 1 - adj;
          if (c !== 42 && c !== 35 && c !== 36) pendMask = false;
          continue;
        }
        if (c !== 33 && c !== 124 && c !== 43) {
          // "$18", "*": a token that starts with a symbol.
          ts = i - adj;
          tb = i;
          h = WORD_HASH_SEED;
          acc = hn = 0;
          tl = 1;
          sym = true;
          te = i + 1 - adj;
          continue;
        }
      }
      // A separator: end the token.
      if (tl > 0) {
        const wh = finishWordHash(h, acc, hn);
        if (lead) {
          // "**bold**", "#tag", "#F2E9E1": the full scan reads the word without its symbols unless
          // some reading of it with them (as it is, in leetspeak, repeats collapsed) may be listed.
          lead = false;
          if (pend > 0 && pendMask) {
            tl += pend; // trailing masks belong to the word
            te = pendEnd;
          }
          if (leadListed(filter, wh, u8, tb, tl)) {
            bail = i - adj;
            break;
          }
          singles = 0;
          letters = 0; // a model word like any other, below
          digits = false;
          sym = false;
          pend = 0;
          pendMask = true;
        }
        if ((pend > 0 && pendMask && letters > 0) || tl > TOKEN_CAP) {
          bail = i - adj; // "f***", "a$$"; overlong
          break;
        }
        let e: LexEntry | undefined;
        if (mapped) {
          // Its bytes cannot be compared with a listed word: the full scan decides if it may be one.
          mapped = false;
          if (digits || rep || filter[wh & FILTER_MASK] === 1) {
            bail = i - adj;
            break;
          }
          singles = tl === 1 ? singles + 1 : 0;
          if (singles >= 3) {
            bail = i - adj;
            break;
          }
        } else if (letters === 0) singles = 0;
        else if (digits) {
          // Letters and digits ("2x", "3rd", "p53"): a model word, unless the full scan could read
          // it as a listed word (as it is, or as leetspeak: "k1ll").
          singles = 0;
          if (sym || readsAsListed(this.lex, u8, tb, tl)) {
            bail = i - adj;
            break;
          }
        } else {
          if (tl === 1) {
            if (++singles >= 3) {
              bail = i - adj;
              break;
            }
          } else singles = 0;
          const fb = wh & FILTER_MASK;
          // Only words the checks below care about are looked up; the model uses the same hash either way.
          if (hot[fb] === 1 || ((p2 === H.death || p3 === H.death || wc - lastViolent <= 5) && filter[fb] === 1))
            e = sameLetters(byHash.get(wh), u8, tb, tl);
          if (e === undefined && rep) {
            // "fuuuck": the full scan reads a word with repeated letters as the listed word it collapses to.
            const ch = collapsedHash(u8, tb, tl) & HASH_MASK;
            if (
              filter[ch & FILTER_MASK] === 1 &&
              !ordinary.has(wh) &&
              byCollapsed.get(ch) !== undefined &&
              (filter[fb] === 0 || sameLetters(byHash.get(wh), u8, tb, tl) === undefined)
            ) {
              bail = i - adj;
              break;
            }
          }
        }
        tl = 0;
        letters = 0;
        digits = false;
        sym = false;
        pend = 0;
        pendMask = true;
        let roles = 0;
        if (e !== undefined) {
          roles = e.roles;
          if (
            roles & STAGE1_BAD ||
            wh === H.screw ||
            wh === H.shut ||
            wh === H.bleach ||
            (wh === H.live && p1 === H.you) ||
            (wh === H.country && wc - lastBack <= 6) ||
            (roles & R.DEHUMAN && wc - lastGroup <= 5) ||
            (roles & (R.PERSON | R.GROUP) &&
              ((p1 === H.to && p2 === H.death) || (p2 === H.to && p3 === H.death) || wc - lastViolent <= 5)) ||
            (roles & R.VIOLENT && (p1 === H.be || p2 === H.be))
          ) {
            bail = i - adj;
            break;
          }
          if (wh === H.back) lastBack = wc;
          if (roles & R.VIOLENT) lastViolent = wc;
          if (roles & R.GROUP) {
            sawGroup = true;
            lastGroup = wc;
          }
        }
        p3 = p2;
        p2 = p1;
        p1 = wh;
        wc++;
        {
          // The model, as in modelWord(), over a ring of BIG words. A group's name (no slur gets
          // here) reads the zero unigram bucket and takes part in bigrams only.
          const u = roles & R.GROUP ? ZERO_U : (wh & MASK) << 1;
          const b = (bigramHash(prev, wh) & MASK) << 1;
          prev = wh;
          const idx = ++count;
          const pT = (prefT + (t[u] as number) + (t[b] as number)) | 0;
          const pH = (prefH + (t[u + 1] as number) + (t[b + 1] as number)) | 0;
          const x = (idx & BIG_MASK) * 3;
          big[x] = pT;
          big[x + 1] = pH;
          big[x + 2] = ts;
          prefT = pT;
          prefH = pH;
          let sT = pT;
          let sH = pH;
          let first = 1;
          if (idx > WINDOW) {
            const lo = ((idx - WINDOW) & BIG_MASK) * 3;
            sT = (pT - (big[lo] as number)) | 0;
            sH = (pH - (big[lo + 1] as number)) | 0;
            first = idx - WINDOW + 1;
          }
          if (sT > maxT) {
            maxT = sT;
            msT = big[(first & BIG_MASK) * 3 + 2] as number;
            meT = te;
          }
          if (sH > maxH) {
            maxH = sH;
            msH = big[(first & BIG_MASK) * 3 + 2] as number;
            meH = te;
          }
        }
      }
      if (k === END && (c === 10 || singles === 0)) {
        // A safe point: a new sentence (patterns never look back across it), and no run of single
        // letters open ("f.u.c.k" is one; a newline ends any), so the full scan, started here, would
        // emit the same words.
        singles = 0;
        sPos = i + 1 - adj;
        sByte = i + 1;
        sPrev = prev;
        sCount = count;
        sPrefT = prefT;
        sPrefH = prefH;
        sMaxT = maxT;
        sMaxH = maxH;
        sMsT = msT;
        sMsH = msH;
        sMeT = meT;
        sMeH = meH;
        sSawGroup = sawGroup;
        wc = 0;
        p1 = p2 = p3 = 0;
        lastGroup = lastBack = lastViolent = -100;
        if (stopAt >= 0 && sPos > stopAt) {
          stopped = true;
          break;
        }
      }
    }
    if (bail < 0 && !stopped) {
      sPos = end;
      sByte = nb;
      sPrev = prev;
      sCount = count;
      sPrefT = prefT;
      sPrefH = prefH;
      sMaxT = maxT;
      sMaxH = maxH;
      sMsT = msT;
      sMsH = msH;
      sMeT = meT;
      sMeH = meH;
      sSawGroup = sawGroup;
    } else if (count - sCount > BIG - 2 * WINDOW) return -1;
    this.bailAt = bail;
    this.safeByte = sByte;
    this.mPrev = sPrev;
    this.mCount = sCount;
    this.mSlot = sCount % WINDOW;
    this.mPrefT = sPrefT;
    this.mPrefH = sPrefH;
    this.mMaxT = sMaxT;
    this.mMaxH = sMaxH;
    this.mMaxStartT = sMsT;
    this.mMaxStartH = sMsH;
    this.mMaxEndT = sMeT;
    this.mMaxEndH = sMeH;
    this.sawGroup = sSawGroup;
    this.ringIn(big, BIG_MASK, sCount);
    this.newSentence(sPos);
    return sPos;
  }

  /** Writes the last WINDOW words' prefix sums and starts into `ring` (word i at 3 × (i & mask)). */
  private ringOut(ring: Int32Array, mask: number): void {
    for (let i = Math.max(1, this.mCount - WINDOW + 1); i <= this.mCount; i++) {
      const sl = i % WINDOW;
      const x = (i & mask) * 3;
      ring[x] = this.mRing[sl << 1] as number;
      ring[x + 1] = this.mRing[(sl << 1) + 1] as number;
      ring[x + 2] = this.mStarts[sl] as number;
    }
  }

  /** Reads back what {@link ringOut} writes, for the WINDOW words up to word `count`. */
  private ringIn(ring: Int32Array, mask: number, count: number): void {
    for (let i = Math.max(1, count - WINDOW + 1); i <= count; i++) {
      const sl = i % WINDOW;
      const x = (i & mask) * 3;
      this.mRing[sl << 1] = ring[x] as number;
      this.mRing[(sl << 1) + 1] = ring[x + 1] as number;
      this.mStarts[sl] = ring[x + 2] as number;
    }
  }

  /** The state after a sentence end at `pos` (or at the start): a new sentence, nothing pending. */
  private newSentence(pos: number): void {
    this.pos = pos;
    this.gapLen = 0;
    this.gapEnd = true;
    this.gapNewline = pos > 0;
    this.sentLen = 0;
  }

  /**
   * The WebAssembly stage from `from` (a safe point), same contract as {@link plain}: returns `end`
   * when done, else the last safe point before the trouble (state set as of there, `bailAt` =
   * where the trouble is), or -1 when that point is too far back.
   */
  private fast(f: FastScan, from: number, fromByte: number, nb: number, end: number): number {
    const st = f.state;
    st[S.prev] = this.mPrev;
    st[S.count] = this.mCount;
    st[S.prefT] = this.mPrefT;
    st[S.prefH] = this.mPrefH;
    st[S.maxT] = this.mMaxT;
    st[S.maxH] = this.mMaxH;
    st[S.msT] = this.mMaxStartT;
    st[S.msH] = this.mMaxStartH;
    st[S.meT] = this.mMaxEndT;
    st[S.meH] = this.mMaxEndH;
    st[S.sawGroup] = this.sawGroup ? 1 : 0;
    if (!this.ringInFast) this.ringOut(f.ring, FAST_RING - 1);
    const p = f.run(from, fromByte, nb, end);
    this.bailAt = st[S.bailAt] as number;
    if (p < 0) return p;
    this.safeByte = st[S.safeByte] as number;
    const count = st[S.count] as number;
    this.mPrev = st[S.prev] as number;
    this.mCount = count;
    this.mSlot = count % WINDOW;
    this.mPrefT = st[S.prefT] as number;
    this.mPrefH = st[S.prefH] as number;
    this.mMaxT = st[S.maxT] as number;
    this.mMaxH = st[S.maxH] as number;
    this.mMaxStartT = st[S.msT] as number;
    this.mMaxStartH = st[S.msH] as number;
    this.mMaxEndT = st[S.meT] as number;
    this.mMaxEndH = st[S.meH] as number;
    this.sawGroup = st[S.sawGroup] === 1;
    // At the end of a segment the window stays in WebAssembly memory for the next one (or for nobody:
    // the text's end needs only the best windows); anywhere else `plain` or the full scan go on here.
    this.ringInFast = p === end;
    if (!this.ringInFast) this.ringIn(f.ring, FAST_RING - 1, count);
    this.newSentence(p);
    return p;
  }

  /** Nothing pending: the first stage can take over from here. */
  private safe(): boolean {
    return (
      this.tLen === 0 && this.sLen === 0 && this.rLen === 0 && this.pEntry === undefined && this.high < 0 && this.gapEnd
    );
  }

  /**
   * @internal Whole-text scan: the first stage where it can, the full scan from the start of the
   * line where it cannot, back to the first stage after that line. `stage1: false` skips the
   * first stage (for equivalence checks). The result is exactly that of `push(text)`; `end()`.
   */
  scanWhole(text: string, stage1 = true): ToxicityResult {
    if (!warmed) warmUp();
    this.reset();
    this.lastStage1 = stage1;
    if (!stage1) {
      this.push(text);
      return this.end();
    }
    const n = text.length;
    const fast = fastScan(this.lex, this.model);
    let useFast = false;
    // The first stages read UTF-8 bytes (one native pass per segment of at most SEGMENT code
    // units, cut after a newline, so the buffer stays small and cache-warm on long texts).
    let u8: Uint8Array = pool8;
    let nb = 0;
    let segEnd = 0;
    let at = 0;
    let atByte = 0;
    while (at < n) {
      if (at >= segEnd) {
        segEnd = n;
        if (n - at > SEGMENT) {
          const nl = text.lastIndexOf('\n', at + SEGMENT - 1);
          if (nl >= at) segEnd = nl + 1;
        }
        const need = 3 * (segEnd - at) + 1; // + a separator after the end
        useFast = fast !== null && this.sink === undefined && need <= fast.input.length;
        u8 = useFast ? (fast as FastScan).input : pool8;
        if (u8.length < need) u8 = need <= POOL8 ? (pool8 = new Uint8Array(POOL8)) : new Uint8Array(need);
        const segment = at === 0 && segEnd === n ? text : text.slice(at, segEnd);
        nb = useFast ? (fast as FastScan).encode(segment) : -1;
        if (nb < 0) nb = encoder.encodeInto(segment, u8).written;
        u8[nb] = 32; // ends the last token
        atByte = 0;
      }
      let p: number;
      if (useFast) {
        fastStoppedForFullScan = false;
        p = this.fast(fast as FastScan, at, atByte, nb, segEnd);
        if (p >= 0 && p < segEnd && !fastStoppedForFullScan) {
          // `plain` takes the sentence the WebAssembly stage stopped at, and hands back after it.
          p = this.plain(text, p, this.safeByte, u8, nb, segEnd, this.bailAt);
          if (p >= 0 && p < segEnd && this.bailAt < 0) {
            at = p;
            atByte = this.safeByte;
            continue;
          }
        }
      } else {
        // (Every segment fits the WebAssembly stage's input; this keeps `plain` right if one did not.)
        if (this.ringInFast) {
          this.ringIn((fast as FastScan).ring, FAST_RING - 1, this.mCount);
          this.ringInFast = false;
        }
        p = this.plain(text, at, atByte, u8, nb, segEnd, -1);
      }
      if (p === segEnd) {
        at = segEnd;
        continue;
      }
      this.lastStage1 = false;
      if (p < 0) {
        // Too far back to restore: everything in full.
        this.reset();
        this.push(text);
        break;
      }
      // Full scan from the safe point through the end of the sentence with the trouble, and on
      // sentence by sentence until nothing is pending.
      let q = p;
      let nl = nextEnd(text, this.bailAt);
      for (;;) {
        if (nl < 0) {
          this.push(q === 0 ? text : text.slice(q));
          q = n;
          break;
        }
        this.push(text.slice(q, nl + 1));
        q = nl + 1;
        if (this.safe()) break;
        nl = nextEnd(text, q);
      }
      if (q < segEnd) atByte = byteIndex(u8, this.safeByte, q - p);
      at = q;
    }
    return this.end();
  }

  // ---- characters -------------------------------------------------------------------------

  private mapped(cp: number, at: number): void {
    const s = mapCodePoint(cp);
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c < 128) {
        const k = CLASS[c] as number;
        if (k === LET) this.letter(c | 32, at, false);
        else this.ascii(c, k, at);
      } else {
        this.letter(c, at, false);
        this.tOther = true;
      }
    }
  }

  private letter(c: number, at: number, upper: boolean): void {
    if (this.tLen === 0) this.startWord(at, upper);
    else if (this.sLen > 0) this.commitSyms();
    this.add(c, at);
    this.tLetters++;
  }

  private startWord(at: number, upper: boolean): void {
    this.tStart = at;
    this.tHash.reset();
    this.tLast = -1;
    this.tRepeat = this.tDigit = this.tSym = this.tOther = false;
    this.tLetters = 0;
    this.tUpper = upper;
  }

  private add(c: number, at: number): void {
    if (this.tLen < TOKEN_CAP) {
      this.tBuf[this.tLen] = c;
      this.tHash.add(c);
    }
    this.tLen++;
    this.tEnd = at + 1;
    if (c === this.tLast) this.tRepeat = true;
    this.tLast = c;
  }

  private commitSyms(): void {
    for (let j = 0; j < this.sLen; j++) this.add(this.sBuf[j] as number, this.sEnd - 1);
    this.tSym = true;
    this.sLen = 0;
  }

  private ascii(c: number, k: number, at: number): void {
    switch (k) {
      case DIG:
        if (this.tLen === 0) this.startWord(at, false);
        else if (this.sLen > 0) this.commitSyms();
        this.add(c, at);
        this.tDigit = true;
        return;
      case APOS:
        return; // "don't" → "dont"; a leading apostrophe is ignored
      case SYM:
        if (this.tLen > 0) {
          if (this.sLen < SYM_CAP) {
            this.sBuf[this.sLen++] = c;
            this.sEnd = at + 1;
            return;
          }
          this.endWord(false);
        } else if (c !== 33 && c !== 124 && c !== 43) {
          // A word may start with a mask or leet symbol: "@ss", "$hit", "*ss".
          this.startWord(at, false);
          this.add(c, at);
          this.tSym = true;
          return;
        }
        if (c === 33) this.gapEnd = true;
        this.gapLen++;
        return;
      case DROP:
        return;
      default:
        if (this.tLen > 0) this.endWord(false);
        this.gapLen++;
        if (k === END) {
          this.gapEnd = true;
          if (c === 10) this.gapNewline = true;
        }
    }
  }

  // ---- words -------------------------------------------------------------------------------

  private endWord(atEnd: boolean): void {
    if (this.tLen === 0) return;
    // Fast path: a plain word of ASCII letters with no letter run or ambiguous word pending, that is
    // either not listed or a listed word that completes no pattern ("the", "are", "will").
    const len0 = this.tLen;
    if (
      this.sLen === 0 &&
      len0 > 1 &&
      len0 <= TOKEN_CAP &&
      !this.tSym &&
      !this.tDigit &&
      !this.tOther &&
      this.rLen === 0 &&
      this.pEntry === undefined
    ) {
      const h = this.tokenHash();
      const filter = this.lex.filter;
      let e: LexEntry | undefined;
      let plain = false;
      if (filter[h & FILTER_MASK] === 0)
        plain = !this.tRepeat || filter[this.collapsedHash(len0) & FILTER_MASK] === 0 || this.lex.ordinary.has(h);
      else {
        e = this.verify(this.lex.byHash.get(h), len0);
        plain = e !== undefined && !e.trigger && (e.roles & (R.EXPLETIVE | R.GROUP | R.NAMEABLE)) === 0;
      }
      if (plain) {
        const sent = this.gapEnd;
        this.tLen = 0;
        this.gapLen = 0;
        this.gapEnd = false;
        this.gapNewline = false;
        this.modelWord(h, (h & MASK) << 1, this.tStart, this.tEnd);
        if (sent) this.sentLen = 0;
        const i = this.hCount & (HIST - 1);
        this.hRoles[i] = e ? e.roles : 0;
        this.hWord[i] = e ? e.word : undefined;
        this.hStart[i] = this.tStart;
        this.hUpper[i] = this.tUpper ? 1 : 0;
        this.hSent[i] = sent ? 1 : 0;
        this.hCount++;
        this.sentLen++;
        return;
      }
    }
    // Trailing masks belong to the word ("f***", "a$$"); trailing "!" ends a sentence.
    if (this.sLen > 0) {
      let masks = true;
      for (let j = 0; j < this.sLen; j++) {
        const s = this.sBuf[j] as number;
        if (s !== 42 && s !== 35 && s !== 36) masks = false;
      }
      if (masks && this.tLetters > 0) this.commitSyms();
      else {
        for (let j = 0; j < this.sLen; j++) if (this.sBuf[j] === 33) this.gapEnd = true;
        this.gapLen += this.sLen;
        this.sLen = 0;
      }
    }
    const len = this.tLen;
    const start = this.tStart;
    const end = this.tEnd;
    const sent = this.gapEnd;
    const gap = this.gapLen;
    const newline = this.gapNewline;
    this.tLen = 0;
    this.gapLen = 0;
    this.gapEnd = false;
    this.gapNewline = false;
    void atEnd;

    if (this.tLetters === 0) {
      // Numbers and symbol-only words: model feature only.
      if (this.rLen > 0) this.flushRun();
      this.word(undefined, this.tSym ? this.alnumHash(len) : this.tokenHash(), start, end, sent, false);
      return;
    }
    const h = this.tokenHash();
    // Single letter: maybe part of "f u c k" / "f.u.c.k".
    if (len === 1 && !this.tOther) {
      if (this.rLen > 0 && !this.isRunSep(gap, newline)) this.flushRun();
      if (this.rLen === RUN_CAP) this.flushRun();
      const i = this.rLen++;
      this.rBuf[i] = this.tBuf[0] as number;
      this.rStart[i] = start;
      this.rEnd[i] = end;
      this.rSent[i] = sent ? 1 : 0;
      this.rUpper[i] = this.tUpper ? 1 : 0;
      return;
    }
    if (this.rLen > 0) this.flushRun();
    const lex = this.lex;
    let entry: LexEntry | undefined;
    let modelHash = h;
    if (len <= TOKEN_CAP) {
      if (lex.filter[h & FILTER_MASK] === 1) entry = this.verify(lex.byHash.get(h), len);
      // Leetspeak and masks only for word-like tokens ("k1ll", "f***", "a$$"), not "2x3" or "$18".
      if (
        !entry &&
        (this.tSym || this.tDigit) &&
        len >= 3 &&
        len <= 24 &&
        this.tLetters > 0 &&
        !(this.tDigit && !this.tSym && (this.tBuf[0] as number) < 58 && (this.tBuf[len - 1] as number) < 58)
      ) {
        entry = this.deobfuscate(len);
        if (!entry && this.tSym) modelHash = this.alnumHash(len);
      }
      if (!entry && this.tRepeat && !lex.ordinary.has(h)) {
        const ch = this.collapsedHash(len);
        if (lex.filter[ch & FILTER_MASK] === 1) {
          const e = lex.byCollapsedHash.get(ch);
          if (e && collapseRepeats(this.tokenString(len)) === collapseRepeats(e.word)) entry = e;
        }
      }
      if (entry) modelHash = hashWord(entry.word);
    }
    this.word(entry, modelHash, start, end, sent, this.tUpper);
  }

  /** Hash of the word's characters (of its first TOKEN_CAP for an overlong "word"). */
  private tokenHash(): number {
    return this.tHash.value();
  }

  /** Hash of the word without its symbols ("$100" → "100"); the whole hash for overlong words. */
  private alnumHash(len: number): number {
    if (len > TOKEN_CAP) return this.tokenHash();
    const hasher = scratchHash.reset();
    for (let j = 0; j < len; j++) {
      const c = this.tBuf[j] as number;
      if (c >= 48 && c !== 64 && c !== 124) hasher.add(c);
    }
    return hasher.value();
  }

  /** Hash of the word with runs of a letter collapsed ("fuuuck" → "fuck"). */
  private collapsedHash(len: number): number {
    const hasher = scratchHash.reset();
    let last = -1;
    for (let j = 0; j < len && j < TOKEN_CAP; j++) {
      const c = this.tBuf[j] as number;
      if (c !== last) hasher.add(c);
      last = c;
    }
    return hasher.value();
  }

  private isRunSep(gap: number, newline: boolean): boolean {
    // "f.u.c.k": a '.' between single letters is a separator, not a sentence end.
    return gap <= 3 && !newline;
  }

  private tokenString(len: number): string {
    return unitsString(this.tBuf, 0, Math.min(len, TOKEN_CAP));
  }

  private verify(e: LexEntry | undefined, len: number): LexEntry | undefined {
    if (!e || e.word.length !== len) return undefined;
    const w = e.word;
    for (let j = 0; j < len; j++) if (w.charCodeAt(j) !== this.tBuf[j]) return undefined;
    return e;
  }

  /** Leetspeak and masks, accepted only when they produce a known word. */
  private deobfuscate(len: number): LexEntry | undefined {
    const lex = this.lex;
    const buf = this.tBuf;
    const n = Math.min(len, TOKEN_CAP);
    // Each reading is looked up only when its hash is in the lexicon's filter: most tokens that
    // get here ("D2FA", "x2") are none of them, and building the strings is the cost.
    // 1. Leading/trailing symbols are punctuation: "**kill**", "@you".
    let a = 0;
    while (a < n && !isWordUnit(buf[a] as number)) a++;
    let b = n;
    while (b > a && !isWordUnit(buf[b - 1] as number)) b--;
    if ((a > 0 || b < n) && b - a > 1 && mayBeListed(lex.filter, buf, a, b, LEET_CODES[0] as Int16Array)) {
      const e = lex.exact.get(unitsString(buf, a, b));
      if (e) return e;
    }
    // 2. Leetspeak: digits and symbols read as letters ("k1ll", "sh!t", "a$$", "1d10t").
    for (let t = 1; t <= 2; t++) {
      const codes = LEET_CODES[t] as Int16Array;
      if (!mayBeListed(lex.filter, buf, 0, n, codes)) continue;
      let s = '';
      for (let j = 0; j < n; j++) {
        const c = buf[j] as number;
        s += String.fromCharCode(c < 128 && (codes[c] as number) >= 0 ? (codes[c] as number) : c);
      }
      const e = lex.exact.get(s) ?? (lex.ordinary.has(hashWord(s)) ? undefined : lex.exact.get(collapseRepeats(s)));
      if (e && lex.bad.has(e.word)) return e;
    }
    // 3. Symbols inside a word dropped: "f*u*c*k", "f#ck" is handled by masks below.
    const innerHash = scratchHash.reset();
    let innerLen = 0;
    for (let j = 0; j < n; j++) {
      const c = buf[j] as number;
      if (isWordUnit(c)) {
        innerHash.add(c);
        innerLen++;
      }
    }
    if (innerLen >= 3 && innerLen !== b - a && lex.filter[innerHash.value() & FILTER_MASK] === 1) {
      let inner = '';
      for (let j = 0; j < n; j++) if (isWordUnit(buf[j] as number)) inner += String.fromCharCode(buf[j] as number);
      const e = lex.exact.get(inner);
      if (e && lex.bad.has(e.word) && e.prof > 0) return e;
    }
    // 4. Masks: "f***", "sh*t", "motherf***er", "b***h". The first character must be a letter.
    const first = buf[0] as number;
    if (first < 97 || first > 122) return undefined;
    let letters = 0;
    for (let j = 0; j < n; j++) if (!IS_MASK(buf[j] as number)) letters++;
    const cands = letters < n ? lex.maskable.get(n) : undefined;
    if (cands && n - letters <= Math.max(3, letters + 1)) {
      for (const e of cands) {
        let ok = true;
        for (let j = 0; j < n && ok; j++) {
          const c = buf[j] as number;
          if (!IS_MASK(c)) {
            const m = LEET_A[c];
            if (c !== e.word.charCodeAt(j) && (m === undefined || m !== e.word.charCodeAt(j))) ok = false;
          }
        }
        if (ok) return e;
      }
    }
    return undefined;
  }

  /** Ends a run of single letters: one known word ("k y s"), or the letters as they are. */
  private flushRun(): void {
    const n = this.rLen;
    if (n === 0) return;
    this.rLen = 0;
    if (n >= 3) {
      // The run spells a listed word ("k y s"); or, after a real one-letter word ("a", "i"), the rest
      // does: "you are a f.u.c.k.i.n.g idiot" is "a" then "fucking".
      let from = 0;
      let e = this.badRun(0, n);
      if (!e && n >= 4 && ((this.rBuf[0] as number) === 97 || (this.rBuf[0] as number) === 105)) {
        e = this.badRun(1, n);
        if (e) from = 1;
      }
      if (e) {
        if (from === 1) this.singleLetter(0);
        this.word(
          e,
          hashWord(e.word),
          this.rStart[from] as number,
          this.rEnd[n - 1] as number,
          this.rSent[from] === 1,
          false,
        );
        return;
      }
    }
    for (let i = 0; i < n; i++) this.singleLetter(i);
  }

  /** Letter `i` of the run of single letters as a word of its own. */
  private singleLetter(i: number): void {
    const c = this.rBuf[i] as number;
    const h = hashUnit(c);
    const e = this.lex.filter[h & FILTER_MASK] === 1 ? this.lex.byHash.get(h) : undefined;
    this.word(
      e && e.word.length === 1 && e.word.charCodeAt(0) === c ? e : undefined,
      h,
      this.rStart[i] as number,
      this.rEnd[i] as number,
      this.rSent[i] === 1,
      this.rUpper[i] === 1,
    );
  }

  /** The bad listed word the single letters [from, n) of the run spell, as they are or with repeats collapsed. */
  private badRun(from: number, n: number): LexEntry | undefined {
    if (!mayBeListed(this.lex.filter, this.rBuf, from, n, LEET_CODES[0] as Int16Array)) return undefined;
    const s = unitsString(this.rBuf, from, n);
    const e =
      this.lex.exact.get(s) ??
      (this.lex.ordinary.has(hashWord(s)) ? undefined : this.lex.exact.get(collapseRepeats(s)));
    return e && this.lex.bad.has(e.word) ? e : undefined;
  }

  /** A word, after de-obfuscation. Ambiguous capitalised words wait for the next word. */
  private word(e: LexEntry | undefined, hash: number, start: number, end: number, sent: boolean, upper: boolean): void {
    if (this.pEntry) this.flushPending(true, upper && !sent, hash);
    if (e && e.roles & R.NAMEABLE) {
      const prev = this.hCount > 0 ? (this.hCount - 1) & (HIST - 1) : -1;
      this.pEntry = e;
      this.pStart = start;
      this.pEnd = end;
      this.pSent = sent;
      this.pUpper = upper;
      this.pHash = hash;
      this.pPrevUpperMid = upper && !sent && prev >= 0 && this.hUpper[prev] === 1 && this.hSent[prev] === 0;
      return;
    }
    this.emit(e, hash, start, end, sent, upper);
  }

  private flushPending(hasNext: boolean, nextUpperMid: boolean, nextHash: number): void {
    const e = this.pEntry;
    if (!e) return;
    this.pEntry = undefined;
    let name = false;
    if (this.pUpper && (this.pPrevUpperMid || nextUpperMid)) name = true; // "Dick Cheney", "Moby Dick"
    if (
      hasNext &&
      (nextHash === H.cat || nextHash === H.cats || nextHash === H.willow || (this.pUpper && nextHash === H.riot))
    )
      name = true;
    this.emit(name ? undefined : e, this.pHash, this.pStart, this.pEnd, this.pSent, this.pUpper);
  }

  // ---- per-word scoring ---------------------------------------------------------------------

  private emit(e: LexEntry | undefined, hash: number, start: number, end: number, sent: boolean, upper: boolean): void {
    const roles = e ? e.roles : 0;
    // Model: every word except pure expletives. The names of groups ("gay", "muslim", "women")
    // read the zero unigram bucket — the model must not learn that naming a group is toxic — but
    // take part in bigrams ("filthy muslims", "muslims are"). Slurs are ordinary model words.
    if (!(roles & R.EXPLETIVE))
      this.modelWord(hash, (roles & (R.GROUP | R.SLUR)) === R.GROUP ? ZERO_U : (hash & MASK) << 1, start, end);
    if (sent) this.sentLen = 0;
    if (e !== undefined && e.trigger) this.patterns(e, roles, start, end);
    const i = this.hCount & (HIST - 1);
    this.hRoles[i] = roles;
    this.hWord[i] = e ? e.word : undefined;
    this.hStart[i] = start;
    this.hUpper[i] = upper ? 1 : 0;
    this.hSent[i] = sent ? 1 : 0;
    this.hCount++;
    this.sentLen++;
  }

  /** `u`: the word's unigram index in the table — `(hash & MASK) << 1`, or {@link ZERO_U} for a group's name. */
  private modelWord(hash: number, u: number, start: number, end: number): void {
    if (this.sink) this.sink(u === ZERO_U ? hash | GROUP_FLAG : hash);
    const t = this.model.table;
    const b = (bigramHash(this.mPrev, hash) & MASK) << 1;
    this.mPrev = hash;
    const i = ++this.mCount;
    let slot = this.mSlot + 1;
    if (slot === WINDOW) slot = 0;
    this.mSlot = slot;
    const ring = this.mRing;
    const full = i > WINDOW;
    // Window = the last min(i, WINDOW) words; its first word sits in the next slot once full.
    const first = full ? (slot + 1 === WINDOW ? 0 : slot + 1) : 1;
    const r = slot << 1;
    const loT = full ? (ring[r] as number) : 0;
    const loH = full ? (ring[r + 1] as number) : 0;
    const pT = (this.mPrefT + (t[u] as number) + (t[b] as number)) | 0;
    const pH = (this.mPrefH + (t[u + 1] as number) + (t[b + 1] as number)) | 0;
    ring[r] = pT;
    ring[r + 1] = pH;
    this.mPrefT = pT;
    this.mPrefH = pH;
    this.mStarts[slot] = start;
    const sT = (pT - loT) | 0;
    const sH = (pH - loH) | 0;
    if (sT > this.mMaxT) {
      this.mMaxT = sT;
      this.mMaxStartT = this.mStarts[first] as number;
      this.mMaxEndT = end;
    }
    if (sH > this.mMaxH) {
      this.mMaxH = sH;
      this.mMaxStartH = this.mStarts[first] as number;
      this.mMaxEndH = end;
    }
  }

  /** Index of the k-th previous word in the same sentence (k ≥ 1), or -1. */
  private back(k: number): number {
    if (k > this.sentLen || k > this.hCount || k > HIST) return -1;
    return (this.hCount - k) & (HIST - 1);
  }

  private roleAt(k: number): number {
    const i = this.back(k);
    return i < 0 ? -1 : (this.hRoles[i] as number);
  }

  private wordAt(k: number): string | undefined {
    const i = this.back(k);
    return i < 0 ? undefined : this.hWord[i];
  }

  private startAt(k: number): number {
    return this.hStart[this.back(k)] as number;
  }

  private hit(category: ToxicityCategory, score: number, start: number, end: number, match: string, why: string): void {
    const h: Hit = { category, start, end, match, score, why };
    this.hits++;
    const prev = this.best[category];
    if (!prev || score > prev.score) this.best[category] = h;
    if (this.spans.length < MAX_SPANS * 4) this.spans.push(h);
    else if (this.spans.length === MAX_SPANS * 4) {
      // Keep memory bounded on hostile input: keep the strongest.
      this.spans.sort((a, b) => b.score - a.score);
      this.spans.length = MAX_SPANS;
      this.spans.push(h);
    }
  }

  /**
   * Finds the nearest previous word (within `max`, same sentence) whose roles include `want`,
   * allowing only words with roles in `allow` (or up to `unknown` words with no role) between.
   * Returns k or -1. A negation in between fails the match.
   */
  private find(want: number, allow: number, max: number, unknown: number): number {
    for (let k = 1; k <= max; k++) {
      const r = this.roleAt(k);
      if (r < 0) return -1;
      if (r & want) return k;
      if (r & R.NEG) return -1;
      if (r === 0) {
        if (unknown-- <= 0) return -1;
      } else if (!(r & allow)) return -1;
    }
    return -1;
  }

  private patterns(e: LexEntry, roles: number, start: number, end: number): void {
    const w = e.word;
    const base = e.base;
    if (roles & R.PROF) this.hit('profanity', e.prof, start, end, base, 'swear word');
    if (roles & R.GROUP) this.sawGroup = true;
    if (roles & R.SLUR) this.hit('identity_attack', e.slur, start, end, base, 'identity slur');
    if (roles & R.INSULT) {
      this.insultWord = Math.max(this.insultWord, e.insult);
      const filler = R.BE | R.FILLER | R.PROF | R.INSULT | R.ALL;
      const k = this.find(R.SECOND, filler, 5, 2);
      if (k > 0 && !(this.roleAt(k + 1) > 0 && this.roleAt(k + 1) & R.NEG)) {
        this.hit('insult', 0.5 + 0.5 * e.insult, this.startAt(k), end, base, 'insult aimed at the reader');
      } else {
        const g = this.find(R.GROUP, filler, 4, 1);
        if (g > 0 && this.find(R.BE, R.FILLER | R.ALL | R.PROF | R.INSULT, g, 1) > 0) {
          this.hit('insult', 0.4 + 0.4 * e.insult, this.startAt(g), end, base, 'insult aimed at a group');
          this.hit('identity_attack', 0.5 + 0.4 * e.insult, this.startAt(g), end, base, 'group called an insult');
        } else {
          const t = this.find(R.THIRD, filler, 4, 1);
          if (t > 0 && this.find(R.BE, filler, t, 1) > 0)
            this.hit('insult', 0.4 + 0.4 * e.insult, this.startAt(t), end, base, 'insult aimed at a person');
          else if ((this.wordAt(1) === 'a' || this.wordAt(1) === 'an') && this.wordAt(2) === 'what')
            this.hit('insult', 0.4 + 0.5 * e.insult, this.startAt(2), end, base, 'insult aimed at a person');
        }
      }
    }
    // Phrases.
    if (roles & (R.SECOND | R.SELF) && this.wordAt(1) !== undefined) {
      const p = this.hWord[this.back(1)] as string;
      if (p === 'fuck' || p === 'screw' || p === 'fck' || p === 'fuk')
        this.hit('insult', 0.9, this.startAt(1), end, `${p} ${w}`, 'abuse aimed at the reader');
    }
    if (w === 'off' && this.wordAt(1) !== undefined && this.lex.exact.get(this.wordAt(1) as string)?.base === 'fuck')
      this.hit('insult', 0.85, this.startAt(1), end, 'fuck off', 'abuse aimed at the reader');
    if (w === 'up') {
      if (this.wordAt(1) === 'shut')
        this.hit('insult', 0.6, this.startAt(1), end, 'shut up', 'telling the reader to shut up');
      else if (this.wordAt(3) === 'shut' && this.roleAt(1) & R.PROF)
        this.hit('insult', 0.85, this.startAt(3), end, 'shut the fuck up', 'abuse aimed at the reader');
    }
    if (w === 'stfu' || w === 'gtfo') this.hit('insult', 0.8, start, end, w, 'abuse aimed at the reader');
    if (w === 'hell' && this.wordAt(1) === 'to' && this.wordAt(2) === 'go')
      this.hit('insult', 0.75, this.startAt(2), end, 'go to hell', 'abuse aimed at the reader');
    if (base === 'shit' && this.wordAt(1) === 'of' && this.wordAt(2) === 'piece')
      this.hit('insult', 0.9, this.startAt(2), end, 'piece of shit', 'insult');
    if (
      (base === 'dick' || base === 'cock' || w === 'dicks' || w === 'cocks') &&
      this.wordAt(1) === 'my' &&
      this.wordAt(2) === 'suck'
    )
      this.hit('insult', 0.9, this.startAt(2), end, 'suck my dick', 'abuse aimed at the reader');

    // Threats.
    if (roles & R.THREATWORD) this.hit('threat', 0.95, start, end, w, 'telling the reader to kill themselves');
    if (roles & R.SELF) {
      const v = this.wordAt(1);
      const vb = v ? this.lex.exact.get(v)?.base : undefined;
      // "don't / do not / never kill yourself" is the opposite of a threat.
      const r2 = this.roleAt(2);
      const negated = r2 > 0 && (r2 & R.NEG) !== 0 && this.wordAt(2) !== 'no';
      if (!negated && (vb === 'kill' || vb === 'hang' || w === 'neck' || vb === 'shoot' || vb === 'drown'))
        this.hit('threat', 0.95, this.startAt(1), end, `${vb} ${w}`, 'telling the reader to harm themselves');
    }
    if (roles & R.DIE) this.dieThreat(start, end);
    if (w === 'fire' && this.wordAt(1) === 'a' && this.wordAt(2) === 'in' && this.wordAt(3) === 'die')
      this.hit('threat', 0.85, this.startAt(3), end, 'die in a fire', 'wishing death');
    if (w === 'live' && this.wordAt(1) === 'you' && this.wordAt(2) === 'where' && this.wordAt(3) === 'know')
      this.hit('threat', 0.8, this.startAt(3), end, 'i know where you live', 'intimidation');
    if (w === 'bleach' && this.wordAt(1) === 'drink')
      this.hit('threat', 0.85, this.startAt(1), end, 'drink bleach', 'telling the reader to harm themselves');
    if (roles & (R.PERSON | R.GROUP | R.SLUR)) this.violenceAgainst(e, roles, start, end);
    if (roles & R.VIOLENT) this.shouldBeKilled(e, start, end);

    // Identity attacks by pattern.
    if (roles & R.DEHUMAN) {
      const g = this.find(R.GROUP | R.SLUR, R.BE | R.FILLER | R.ALL | R.PROF | R.INSULT, 4, 1);
      if (g > 0)
        this.hit(
          'identity_attack',
          0.9,
          this.startAt(g),
          end,
          `${this.wordAt(g) ?? ''} … ${w}`,
          'group called vermin or animals',
        );
    }
    if (
      w === 'country' &&
      (this.wordAt(1) === 'your' ||
        this.wordAt(1) === 'their' ||
        this.wordAt(2) === 'your' ||
        this.wordAt(2) === 'their')
    ) {
      for (let k = 2; k <= 5; k++) {
        if (this.wordAt(k) === 'back' && this.wordAt(k + 1) === 'go') {
          this.hit(
            'identity_attack',
            0.8,
            this.startAt(k + 1),
            end,
            'go back to your country',
            'telling people to leave the country',
          );
          break;
        }
      }
    }
  }

  private dieThreat(start: number, end: number): void {
    if (this.wordAt(1) === 'go') {
      this.hit('threat', 0.9, this.startAt(1), end, 'go die', 'wishing death');
      return;
    }
    // "(i hope) you (should|deserve to|need to|must) die", "jews must die", "they should all die"
    for (let k = 1; k <= 5; k++) {
      const r = this.roleAt(k);
      if (r < 0 || r & R.NEG) return;
      if (r & (R.SECOND | R.GROUP | R.THIRD | R.PERSON | R.SLUR)) {
        let normative = false;
        for (let j = 1; j < k; j++) {
          const x = this.wordAt(j);
          if (
            x === 'should' ||
            x === 'must' ||
            x === 'deserve' ||
            x === 'deserves' ||
            x === 'need' ||
            x === 'gotta' ||
            x === 'ought'
          )
            normative = true;
        }
        const h = this.wordAt(k + 1);
        const h2 = this.wordAt(k + 2);
        const hope = h === 'hope' || h === 'wish' || h === 'pray' || h2 === 'hope' || h2 === 'wish';
        if (normative || hope) {
          const group = (r & (R.GROUP | R.SLUR)) !== 0;
          this.hit(
            'threat',
            0.9,
            this.startAt(hope ? (h === 'hope' || h === 'wish' || h === 'pray' ? k + 1 : k + 2) : k),
            end,
            `${this.wordAt(k) ?? ''} … die`,
            group ? 'wishing death on a group' : 'wishing death',
          );
          if (group)
            this.hit(
              'identity_attack',
              0.9,
              this.startAt(k),
              end,
              `${this.wordAt(k) ?? ''} … die`,
              'wishing death on a group',
            );
        }
        return;
      }
    }
  }

  /** "i will kill you", "kill all jews", "kill them all", "death to …". */
  private violenceAgainst(e: LexEntry, roles: number, start: number, end: number): void {
    const group = (roles & (R.GROUP | R.SLUR)) !== 0;
    const allBefore = this.roleAt(1) > 0 && (this.roleAt(1) & R.ALL) !== 0 ? 1 : 0;
    if (this.wordAt(1 + allBefore) === 'to' && this.wordAt(2 + allBefore) === 'death') {
      this.hit('threat', 0.9, this.startAt(2 + allBefore), end, `death to ${e.word}`, 'calling for deaths');
      if (group)
        this.hit(
          'identity_attack',
          0.9,
          this.startAt(2 + allBefore),
          end,
          `death to ${e.word}`,
          'calling for deaths of a group',
        );
      return;
    }
    let v = -1;
    let sawAll = false;
    for (let k = 1; k <= 4; k++) {
      const r = this.roleAt(k);
      if (r < 0 || r & R.NEG) return;
      if (r & R.VIOLENT) {
        v = k;
        break;
      }
      if (r & R.ALL) sawAll = true;
      else if (
        this.wordAt(k) === 'of' ||
        this.wordAt(k) === 'the' ||
        this.wordAt(k) === 'and' ||
        r & (R.FILLER | R.PROF)
      )
        continue;
      else if (r === 0 && k === 1 && !group) continue;
      else return;
    }
    if (v < 0) return;
    const verb = this.lex.exact.get(this.wordAt(v) as string)?.base ?? '';
    const strong = STRONG_VERBS.has(verb);
    const vs = this.startAt(v);
    // Intent: a first person and a future/intent word before the verb ("i will", "im gonna", "we're going to").
    let intent = false;
    let subject = -1;
    for (let k = v + 1; k <= v + 6; k++) {
      const r = this.roleAt(k);
      if (r < 0) break;
      if (r & R.INTENT) intent = true;
      if (r & R.FIRST) {
        subject = k;
        break;
      }
    }
    const firstPerson =
      subject > 0 &&
      (intent || this.wordAt(subject) === 'ill' || this.wordAt(subject) === 'ima' || this.wordAt(subject) === 'imma');
    if (firstPerson) {
      this.hit(
        'threat',
        strong ? 0.95 : WEAK_VERBS.has(verb) ? 0.4 : 0.8,
        this.startAt(subject),
        end,
        `${verb} ${e.word}`,
        'threat of violence',
      );
      if (group && strong)
        this.hit(
          'identity_attack',
          0.9,
          this.startAt(subject),
          end,
          `${verb} ${e.word}`,
          'threat of violence against a group',
        );
      return;
    }
    // A past tense ("raped women", "killed all the jews") reports an event; it calls for nothing.
    const vw = this.wordAt(v) as string;
    if (vw !== verb && (vw.endsWith('ed') || vw === 'shot' || vw === 'beaten')) return;
    if (
      sawAll &&
      (roles & (R.GROUP | R.SLUR) ||
        e.word === 'people' ||
        e.word === 'them' ||
        e.word === 'you' ||
        e.word === 'humans' ||
        e.word === 'everyone')
    ) {
      this.hit('threat', strong ? 0.9 : 0.65, vs, end, `${verb} all ${e.word}`, 'incitement to violence');
      if (group && strong)
        this.hit('identity_attack', 0.9, vs, end, `${verb} all ${e.word}`, 'incitement to violence against a group');
      return;
    }
    if (strong && (v === this.sentLen || ((this.roleAt(v + 1) & R.NEG) === 0 && group))) {
      // Imperative at the start of a sentence ("kill them"), or a strong verb aimed at a group.
      const imperative = v === this.sentLen;
      if (imperative || group) {
        this.hit(
          'threat',
          group ? 0.85 : 0.7,
          vs,
          end,
          `${verb} ${e.word}`,
          group ? 'violence against a group' : 'call to violence',
        );
        if (group) this.hit('identity_attack', 0.85, vs, end, `${verb} ${e.word}`, 'violence against a group');
      }
    }
  }

  /** "(jews|they|you) should be (killed|shot|gassed)". */
  private shouldBeKilled(e: LexEntry, start: number, end: number): void {
    if (!STRONG_VERBS.has(e.base) || e.word === e.base) return; // needs a participle: "killed", "shot"
    if (this.wordAt(1) !== 'be' && !(this.wordAt(2) === 'be' && this.roleAt(1) & R.ALL)) return;
    for (let k = 2; k <= 6; k++) {
      const r = this.roleAt(k);
      if (r < 0 || r & R.NEG) return;
      if (r & (R.SECOND | R.GROUP | R.THIRD | R.PERSON | R.SLUR)) {
        let normative = false;
        for (let j = 1; j < k; j++) {
          const x = this.wordAt(j);
          if (
            x === 'should' ||
            x === 'must' ||
            x === 'deserve' ||
            x === 'deserves' ||
            x === 'need' ||
            x === 'ought' ||
            x === 'gotta'
          )
            normative = true;
        }
        if (!normative) return;
        const group = (r & (R.GROUP | R.SLUR)) !== 0;
        this.hit(
          'threat',
          0.9,
          this.startAt(k),
          end,
          `${this.wordAt(k) ?? ''} should be ${e.word}`,
          group ? 'calling for violence against a group' : 'calling for violence',
        );
        if (group)
          this.hit(
            'identity_attack',
            0.9,
            this.startAt(k),
            end,
            `${this.wordAt(k) ?? ''} should be ${e.word}`,
            'calling for violence against a group',
          );
        return;
      }
    }
    void start;
  }

  // ---- result -------------------------------------------------------------------------------

  private modelScore(k: number): number {
    const x = k === 0 ? this.mMaxT : this.mMaxH;
    if (x === NO_WINDOW) return 0;
    const m = this.model;
    return sigmoid((m.slope[k] ?? 1) * ((m.bias[k] ?? 0) + x * (m.scale[k] ?? 0)));
  }

  private finish(): ToxicityResult {
    return this.score(true);
  }

  /**
   * @internal For streams: the scores of the evidence committed so far (words that ended, windows
   * seen), without ending anything, or undefined when nothing changed since the last call. They
   * never exceed the final scores (every part is a running maximum), so a block they show is the
   * whole text's block too. Cheap enough to ask after every chunk.
   */
  committedScores(): ToxicityScores | undefined {
    const key = this.hits * 8 + (this.sawGroup ? 4 : 0) + this.insultWord;
    if (key === this.lastKey && this.mMaxT === this.lastMaxT && this.mMaxH === this.lastMaxH) return undefined;
    this.lastKey = key;
    this.lastMaxT = this.mMaxT;
    this.lastMaxH = this.mMaxH;
    return this.score(false).scores;
  }

  /** The scores (and with `withSpans`, the spans) of the evidence gathered so far. */
  private score(withSpans: boolean): ToxicityResult {
    const tox = this.modelScore(0);
    const hate = this.modelScore(1);
    const b = this.best;
    const profanity = b.profanity?.score ?? 0;
    const threat = Math.min(1, b.threat?.score ?? 0);
    let insult = b.insult?.score ?? 0;
    let identity = b.identity_attack?.score ?? 0;
    let extra: Hit[] | undefined;
    // The model's identity-attack head counts fully only when a group is named.
    const hateScore = this.sawGroup ? hate : hate * 0.5;
    if (hateScore > identity && hateScore >= EXTRA_SPAN) {
      identity = hateScore;
      (extra ??= []).push({
        category: 'identity_attack',
        start: this.mMaxStartH,
        end: this.mMaxEndH,
        match: '',
        score: hateScore,
        why: 'the model reads hostility toward a group',
      });
    }
    if (this.insultWord > 0) {
      const s = tox * this.insultWord;
      if (s > insult && s >= EXTRA_SPAN) {
        insult = s;
        (extra ??= []).push({
          category: 'insult',
          start: this.mMaxStartT,
          end: this.mMaxEndT,
          match: '',
          score: s,
          why: 'the model reads an insult',
        });
      }
    }
    let toxicity = Math.max(insult, identity, threat);
    if (tox > toxicity) {
      toxicity = tox;
      if (tox >= EXTRA_SPAN)
        (extra ??= []).push({
          category: 'toxicity',
          start: this.mMaxStartT,
          end: this.mMaxEndT,
          match: '',
          score: tox,
          why: 'the model reads the text as hateful or offensive',
        });
    }
    insult = Math.min(1, insult);
    identity = Math.min(1, identity);
    let spans: ToxicitySpan[] = [];
    if (withSpans && (this.spans.length > 0 || extra)) {
      const all = extra ? this.spans.concat(extra) : this.spans.slice();
      all.sort(bySpan);
      spans = all.slice(0, MAX_SPANS).map(freezeSpan);
    }
    return {
      scores: {
        toxicity: round(toxicity),
        insult: round(insult),
        profanity: round(profanity),
        identity_attack: round(identity),
        threat: round(threat),
      },
      spans,
    };
  }
}

/**
 * Texts that take every branch of the first stage once. V8 optimises a function from the types
 * it has seen; a branch never taken before deoptimises it when first hit, and a loop that is
 * then only ever re-entered through on-stack replacement never gets optimised again (measured:
 * 2–3× slower). Running these once, before the first real text, avoids that.
 */
const WARM_UP = [
  [
    "Plain words, numbers 12 and 3.5, $18, 5*4, 3+4=7, 2x, x2, 2x4, don't, it’s “quoted” … — done! I am.",
    '3rd',
    'Café',
    'naïve ½',
    '😀',
    'zero\u200bwidth',
    'ｆｕｃｋ',
    'lone \ud800',
    'tab\tcr\r',
    'ctl\x01x',
    '#tag',
    '@user',
    'a|b',
    'C++',
    'word! ok',
    'word* ok',
    '**bold**',
    'f***',
    'x+3',
    '!!!!!!!!!!',
    'x'.repeat(60),
    'a b c d',
    'k y s',
    'fuuuck',
    'too small to assess the root',
    'you are an idiot',
    'kill them all',
    'they should be killed',
    'women are vermin',
    'death to them',
    'go back to your country',
    'I know where you live',
    'shut up',
    'screw you',
    'drink bleach',
    'go die',
    'Dick Cheney',
    'the women and the men',
    'kill the process',
    'all will see',
    'wow!!!!!!!!!!',
    '5*x',
    'the animals',
    'my country',
    'we live here',
    'feeling ill',
    'aaa bbb',
    "go b'ack home",
    'a fuuun book',
    'a niiice day',
    'one two three four five six seven eight nine ten '.repeat(6),
  ].join('\n'),
];
let warmed = false;

/**
 * @internal The scanner's one-time start-up, at most once per process: builds the lexicon, decodes
 * the weights, compiles the WebAssembly stage and warms the JIT on {@link WARM_UP}. `toxicity()`
 * calls it when a detector is created, so no call's detector budget pays for it; without it the
 * first scan does it.
 */
export function prepareScanner(): void {
  if (!warmed) warmUp();
}

/** @internal Whether the start-up of {@link prepareScanner} is done (the WebAssembly stage decided: built or unavailable). */
export function scannerReady(): boolean {
  return warmed && fastCache !== undefined;
}

function warmUp(): void {
  warmed = true;
  const s = new ToxicityScanner();
  // V8 collects type feedback only from about the 8th call of a function on; one round calls `plain`
  // once per line of the text.
  for (let r = 0; r < 3; r++) for (const t of WARM_UP) s.scanWhole(t);
}

const encoder = new TextEncoder();
/** Code units the first stage encodes at a time (a segment ends after a newline). */
const SEGMENT = 1 << 15;
/** Bytes kept for the first stage's UTF-8 copy of a segment. */
const POOL8 = 3 * SEGMENT + 1;
let pool8 = new Uint8Array(0);

const END_RE = /[.?;\n]/g;
/** Index of the next sentence-ending character (., ?, ;, newline) at or after `from`, or -1. */
function nextEnd(text: string, from: number): number {
  END_RE.lastIndex = from;
  const m = END_RE.exec(text);
  return m ? m.index : -1;
}

/** The byte index `units` UTF-16 code units after byte index `from` of a UTF-8 text. */
function byteIndex(u8: Uint8Array, from: number, units: number): number {
  let b = from;
  while (units > 0) {
    const c = u8[b] as number;
    if (c < 0x80) b += 1;
    else if (c < 0xe0) b += 2;
    else if (c < 0xf0) b += 3;
    else {
      b += 4;
      units--; // a surrogate pair: two code units
    }
    units--;
  }
  return b;
}

/** Hash of the `len` ASCII letters from byte `start` (other bytes skipped), runs of a letter collapsed. */
function collapsedHash(u8: Uint8Array, start: number, len: number): number {
  const hasher = scratchHash.reset();
  let last = -1;
  let p = start;
  for (let j = 0; j < len; j++) {
    let c = u8[p++] as number;
    while (c >= 128 || CLASS[c] !== LET) c = u8[p++] as number;
    c |= 32;
    if (c !== last) hasher.add(c);
    last = c;
  }
  return hasher.value();
}

/** The code units buf[from, to) as a string (apply() takes the typed array: no array copy). */
function unitsString(buf: Uint16Array, from: number, to: number): string {
  return String.fromCharCode.apply(null, buf.subarray(from, to) as unknown as number[]);
}

/** A code unit the de-obfuscation keeps inside a word: a-z, 0-9 or anything outside ASCII. */
function isWordUnit(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c >= 128;
}

/**
 * Whether buf[from, to), each ASCII unit read through `codes` (-1: as it is), may be a listed word
 * as it is or with runs of a letter collapsed: whether either hash is in the lexicon's filter. A
 * cheap test before building the string.
 */
function mayBeListed(filter: Uint8Array, buf: Uint16Array, from: number, to: number, codes: Int16Array): boolean {
  const h = scratchHash.reset();
  const hc = scratchHash2.reset();
  let last = -1;
  for (let j = from; j < to; j++) {
    const c = buf[j] as number;
    const m = c < 128 ? (codes[c] as number) : -1;
    const d = m >= 0 ? m : c;
    h.add(d);
    if (d !== last) hc.add(d);
    last = d;
  }
  return filter[h.value() & FILTER_MASK] === 1 || filter[hc.value() & FILTER_MASK] === 1;
}

/** The token as it is, then its two leet readings. */
const LEET_CODES = [{}, LEET_A, LEET_B].map((table: Record<number, number>) => {
  const codes = new Int16Array(128).fill(-1);
  for (const [c, m] of Object.entries(table)) codes[Number(c)] = m;
  return codes;
});

/**
 * Whether the full scan could read the `len` letters and digits (and symbols, with `symbols`) from
 * byte `start` (other bytes skipped) as a listed word: as it is, in either leet reading ("k1ll",
 * "1d10t", "$hit"), or either of those with repeated letters collapsed — i.e. whether any of those
 * hashes is in the filter.
 */
function leetListed(filter: Uint8Array, u8: Uint8Array, start: number, len: number, symbols = false): boolean {
  let leet = false; // whether a leet reading differs from the word as it is ("d2fa" has none: 2 maps to nothing)
  for (let t = 0; t < LEET_CODES.length && (t === 0 || leet); t++) {
    const codes = LEET_CODES[t] as Int16Array;
    const h = scratchHash.reset();
    const hc = scratchHash2.reset();
    let last = -1;
    let p = start;
    for (let j = 0; j < len; j++) {
      let c = u8[p++] as number;
      while (c >= 128 || (CLASS[c] !== LET && CLASS[c] !== DIG && !(symbols && CLASS[c] === SYM)))
        c = u8[p++] as number;
      const m = codes[c] as number;
      const d = m >= 0 ? m : CLASS[c] === LET ? c | 32 : c;
      if (t === 0 && ((LEET_CODES[1] as Int16Array)[c] as number) + ((LEET_CODES[2] as Int16Array)[c] as number) > -2)
        leet = true;
      h.add(d);
      if (d !== last) hc.add(d);
      last = d;
    }
    if (filter[h.value() & FILTER_MASK] === 1 || filter[hc.value() & FILTER_MASK] === 1) return true;
  }
  return false;
}

/**
 * For a word of letters and digits ("p53", "D2FA", "k1ll"; `len` of them from byte `start`, other
 * bytes skipped): whether the full scan could read it as a listed word, as it is or in a leet
 * reading, with repeats collapsed or not. {@link leetListed} asks the lexicon's filter first (no
 * strings built); many such words pass it by chance (music notation, product codes), so the
 * readings that do are looked up in the lexicon itself.
 */
function readsAsListed(lex: Lexicon, u8: Uint8Array, start: number, len: number): boolean {
  if (!leetListed(lex.filter, u8, start, len)) return false;
  for (const codes of LEET_CODES) {
    let s = '';
    let p = start;
    for (let j = 0; j < len; j++) {
      let c = u8[p++] as number;
      while (c >= 128 || (CLASS[c] !== LET && CLASS[c] !== DIG)) c = u8[p++] as number;
      const m = codes[c] as number;
      s += String.fromCharCode(m >= 0 ? m : CLASS[c] === LET ? c | 32 : c);
    }
    if (lex.exact.has(s) || lex.exact.has(collapseRepeats(s))) return true;
  }
  return false;
}

/** Whether `m` (a character's mapping) is one or more ASCII letters. */
function latinLetters(m: string): boolean {
  if (m.length === 0) return false;
  for (let j = 0; j < m.length; j++) {
    const d = m.charCodeAt(j);
    if (d >= 128 || CLASS[d] !== LET) return false;
  }
  return true;
}

/**
 * For a word after leading symbols ("**bold**", "#tag"; `len` characters from byte `start`, `wh` the
 * hash of its letters and digits): whether the full scan might read it other than as the model word
 * `wh` — it hashes the symbols too outside 3–24 characters, and de-obfuscates within.
 */
function leadListed(filter: Uint8Array, wh: number, u8: Uint8Array, start: number, len: number): boolean {
  return len < 3 || len > 24 || filter[wh & FILTER_MASK] === 1 || leetListed(filter, u8, start, len, true);
}

/** `e` if its word is exactly the `len` ASCII letters from byte `start` (other bytes skipped). */
function sameLetters(e: LexEntry | undefined, u8: Uint8Array, start: number, len: number): LexEntry | undefined {
  if (e === undefined || e.word.length !== len) return undefined;
  const w = e.word;
  let p = start;
  for (let j = 0; j < len; j++) {
    let c = u8[p++] as number;
    while (c >= 128 || CLASS[c] !== LET) c = u8[p++] as number;
    if ((c | 32) !== w.charCodeAt(j)) return undefined;
  }
  return e;
}

function bySpan(x: Hit, y: Hit): number {
  return y.score - x.score || x.start - y.start;
}

function freezeSpan(s: Hit): ToxicitySpan {
  // A literal, not a spread: V8 freezes an object of known shape ≈ 20× faster (≈ 50 ns, not 1 µs).
  return Object.freeze({
    category: s.category,
    start: s.start,
    end: s.end,
    match: s.match,
    score: s.score,
    why: s.why,
  });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Scans a whole text at once. */
let pooled: ToxicityScanner | undefined;

export function scanToxicity(text: string): ToxicityResult {
  // One scanner reused across calls: scanning is synchronous, so it is never shared.
  const s = pooled ?? new ToxicityScanner();
  pooled = undefined;
  try {
    return s.scanWhole(text);
  } finally {
    pooled = s;
  }
}

/** @internal What the trainer sees of a text: the model's words and the rules' evidence. */
export interface TrainerView {
  /** The model's word hashes, in order; a group's name carries `GROUP_FLAG` (see model.ts). */
  readonly words: number[];
  /** Rule scores without the model: profanity, and the strongest of insult, identity attack and threat. */
  readonly profanity: number;
  readonly rules: number;
  /** A group was named (the hate head then counts fully). */
  readonly sawGroup: boolean;
}

/** @internal The model's word hashes and the rules' evidence for a text (used by the trainer). */
export function trainerView(text: string): TrainerView {
  const words: number[] = [];
  const s = new ToxicityScanner((h) => words.push(h));
  s.push(text);
  s.end();
  return s.trainerEvidence(words);
}

/** @internal Whether whole-text scans use the WebAssembly stage (false where WebAssembly is unavailable). */
export function usesWebAssembly(): boolean {
  return webAssemblyStage() !== null;
}

/** @internal The WebAssembly stage itself (for its tests), or null where it is unavailable. */
export function webAssemblyStage(): FastScan | null {
  return fastScan(lexicon(), loadModel());
}

/** @internal The model's word hashes for a text, in order (used by the trainer). */
export function modelWords(text: string): number[] {
  return trainerView(text).words;
}

/** @internal Lexicon/pattern evidence without the model, for the trainer's features. */
export type { Hit as ToxicityHit };
