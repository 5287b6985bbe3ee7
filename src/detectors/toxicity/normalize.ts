/**
 * Character-level normalisation: Unicode compatibility folding (NFKC/NFKD: full-width letters,
 * mathematical alphanumerics, ligatures), accent stripping, case folding, a homoglyph map for
 * Latin look-alikes (Cyrillic, Greek, …), and removal of zero-width, format, control and
 * combining characters. Every output character keeps the offset of the original UTF-16 code
 * unit it came from, so a span found in the normalised text maps back to the original.
 *
 * Emoji that show letters (🅾, 🔑) are read as those letters here; other emoji are read as words
 * per sequence by the scanner (emoji.ts).
 *
 * Word-level de-obfuscation (leetspeak, masks such as "f***", separators such as "f.u.c.k",
 * repeated letters) happens in the scanner, and only where it produces a known word.
 */

import { emojiLetters } from './emoji.js';

/** Homoglyphs NFKD does not fold: Cyrillic and Greek letters that look like Latin ones. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  з: '3',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  п: 'n',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  һ: 'h',
  ɡ: 'g',
  ь: 'b',
  ы: 'bl',
  ц: 'u',
  и: 'u',
  л: 'n',
  д: 'a',
  г: 'r',
  // Greek
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ϲ: 'c',
  ς: 's',
  // Latin extensions and IPA look-alikes
  ı: 'i',
  ȷ: 'j',
  ɑ: 'a',
  ɩ: 'i',
  ʋ: 'u',
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
  ø: 'o',
  đ: 'd',
  ħ: 'h',
  ł: 'l',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  þ: 'th',
  // Punctuation that matters for words
  '\u2019': "'",
  '\u2018': "'",
  '\u02bc': "'",
  '\u2032': "'",
};

const RE_DROP = /^(?:\p{Cc}|\p{Cf}|\p{M}|\p{Zl}|\p{Zp}|\u180e|[\ufe00-\ufe0f])$/u;
const RE_WORD = /[\p{L}\p{N}]/u;
const RE_MARKS = /\p{M}/gu;
const RE_SPACE = /^\s$/u;

const cache = new Map<number, string>();
const CACHE_LIMIT = 1 << 16;

/** Curly and angle double quotation marks: “ ” „ ‟ « ». */
const DOUBLE_QUOTES = new Set([0x201c, 0x201d, 0x201e, 0x201f, 0xab, 0xbb]);

/**
 * The normalised form of one code point (≥ 0x80): '' (dropped), ' ' (a separator), or one or
 * more lower-case characters (ASCII where a Latin look-alike exists).
 */
export function mapCodePoint(cp: number): string {
  const hit = cache.get(cp);
  if (hit !== undefined) return hit;
  const out = computeMap(cp);
  if (cache.size < CACHE_LIMIT) cache.set(cp, out);
  return out;
}

function computeMap(cp: number): string {
  if (cp >= 0xd800 && cp <= 0xdfff) return ' '; // lone surrogate
  const letters = emojiLetters(cp);
  if (letters !== undefined) return letters;
  const ch = String.fromCodePoint(cp);
  if (cp === 0x2028 || cp === 0x2029 || cp === 0x85) return '\n';
  if (RE_DROP.test(ch)) return '';
  if (RE_SPACE.test(ch)) return ' ';
  if (DOUBLE_QUOTES.has(cp)) return '"'; // a quotation, which counter-speech reads
  const direct = CONFUSABLES[ch] ?? CONFUSABLES[ch.toLowerCase()];
  if (direct !== undefined) return direct;
  const folded = ch.normalize('NFKD').replace(RE_MARKS, '').toLowerCase();
  let ascii = true;
  for (let i = 0; i < folded.length; i++) if (folded.charCodeAt(i) >= 0x80) ascii = false;
  if (ascii && folded.length > 0) return folded;
  if (folded.length > 0) {
    // Non-Latin letters of other scripts stay letters; fold per character through the homoglyph map.
    let out = '';
    for (const c of folded) out += CONFUSABLES[c] ?? (RE_WORD.test(c) ? c : ' ');
    return out;
  }
  return RE_WORD.test(ch) ? ch.toLowerCase() : ' ';
}

/** The result of {@link normalize}. */
export interface Normalized {
  /** The normalised text: lower case, compatibility-folded, homoglyphs mapped, invisible characters removed. */
  readonly text: string;
  /**
   * `offsets[i]` is the index in the original string of the code unit that produced `text[i]`;
   * `offsets[text.length]` is the original length. A normalised span [a, b) maps back to the
   * original span [offsets[a], offsets[b - 1] + 1) (or `originalEnd(b)`).
   */
  readonly offsets: Int32Array;
}

/**
 * Character-level normalisation with a map back to original offsets. Linear in the length of
 * the text; never throws (lone surrogates become separators).
 */
export function normalize(text: string): Normalized {
  const n = text.length;
  const parts: string[] = [];
  let offsets = new Int32Array(n + 1);
  let len = 0;
  let run = 0; // start of a pending ASCII run
  const ensure = (extra: number): void => {
    if (len + extra >= offsets.length) {
      const bigger = new Int32Array(Math.max(offsets.length * 2, len + extra + 1));
      bigger.set(offsets);
      offsets = bigger;
    }
  };
  const flushRun = (end: number): void => {
    if (end > run) {
      ensure(end - run);
      parts.push(text.slice(run, end).toLowerCase());
      for (let k = run; k < end; k++) offsets[len++] = k;
    }
  };
  const push = (s: string, at: number): void => {
    ensure(s.length);
    parts.push(s);
    for (let k = 0; k < s.length; k++) offsets[len++] = at;
  };
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 && c !== 0x7f && (c >= 0x20 || c === 0x0a || c === 0x09 || c === 0x0d)) continue;
    flushRun(i);
    let cp = c;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        width = 2;
      }
    }
    const mapped = c < 0x80 ? '' : mapCodePoint(cp);
    if (mapped.length > 0) push(mapped, i);
    i += width - 1;
    run = i + 1;
  }
  flushRun(n);
  offsets[len] = n;
  return { text: parts.join(''), offsets: offsets.subarray(0, len + 1) };
}
