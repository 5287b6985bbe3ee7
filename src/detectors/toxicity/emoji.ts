/**
 * Emoji read as the words they stand for, so that "I wanna 🔥 the 🏳️‍🌈" reaches the lexicon, the
 * patterns and the model as "I wanna burn the gay" (emoji used to be separators, and adversarial
 * emoji hate hid both the target and the verb from every rule).
 *
 * The readings say what the emoji depicts, in the word the lexicon already knows, for four kinds
 * of emoji that carry the meaning of hateful or abusive text: people and identity symbols (the
 * target), violence (the verb), disgust and animals used to dehumanise (the predicate), and
 * insults or swearing shown as a picture. Emoji with no such meaning (faces, hands, objects,
 * flags, ✅ 🚀 👉 …) have no reading and still separate words. The table was written after
 * reading the misses of the hatemojibuild2022 source (MODEL.md), kept to what the emoji shows
 * rather than to what individual rows needed: that source's left-out score is not blind to it.
 *
 * Two forms: letter and syllable emoji (🅾 → "o", 🔑 → "key") are letters inside a word
 * ("N🅾T", "mon🔑s") and are read by `normalize.ts` per code point; every other reading is a word
 * of its own, read per emoji sequence (a base emoji with its skin tone, variation selectors and
 * zero-width-joined parts) by the scanner, which keeps the sequence's code points in a bounded
 * buffer until the sequence ends. Keycaps (0️⃣) need nothing: the digit is ASCII and the keycap
 * marks are dropped, so "c0️⃣ck" reads "c0ck" and leetspeak applies.
 */

/** Readings of one emoji or a whole zero-width-joined sequence (written without U+FE0F). */
const WORDS: readonly (readonly [emoji: string, reading: string])[] = [
  // People are read by what sets them apart as a group, not as "man" or "woman" (that reading
  // added nothing on emoji hate and flagged plain mentions such as "👩🏿‍💻 Maya will lead it"):
  // a dark skin tone (PERSON below), a uniform, religious dress.
  ['👮', 'police'],
  // Identity shown by dress, a symbol, a place of worship or a couple.
  ['🧕 ☪ 🕌 🕋', 'muslim'],
  // The turban is a religious article of Sikhs (the emoji's usual depiction); which group a hateful
  // message means by it varies, and every group word completes the same patterns.
  ['👳', 'sikh'],
  ['✡ 🕍 🕎', 'jewish'],
  ['✝ ⛪', 'christian'],
  ['🕉', 'hindu'],
  ['🏳‍🌈 👬 👨‍❤‍👨 👨‍❤‍💋‍👨', 'gay'],
  ['👭 👩‍❤‍👩 👩‍❤‍💋‍👩', 'lesbian'],
  ['🏳‍⚧ ⚧', 'trans'],
  ['♿ 🦽 🦼', 'disabled'],
  // Violence: the verb the weapon or act stands for.
  ['🔪 🗡', 'stab'],
  ['🔫', 'shoot'],
  ['🔥', 'burn'],
  ['👊 🤜 🤛', 'punch'],
  ['💣', 'bomb'],
  // Death as what should happen to someone: "die" completes the lexicon's patterns ("<group> should be ☠️").
  ['☠ 💀 ⚰', 'die'],
  // Disgust and dehumanisation: what a group is likened to.
  ['🤢 🤮', 'disgusting'],
  ['🐒 🐵', 'monkeys'],
  ['🦍', 'apes'],
  ['🐀 🐁', 'rats'],
  ['🪳', 'cockroaches'],
  ['🐍', 'snakes'],
  ['🐷 🐖 🐽', 'pigs'],
  ['🦠', 'disease'],
  // Insults and swearing as a picture.
  ['🤡', 'clown'],
  ['🗑', 'trash'],
  ['💩', 'shit'],
  ['🖕', 'fuck'],
  ['❤', 'love'],
  // Squared words.
  ['🆗', 'ok'],
  ['🆒', 'cool'],
  ['🆓', 'free'],
  ['🆕', 'new'],
  ['🆙', 'up'],
  ['🆘', 'sos'],
];

/** People: a medium-dark or dark skin tone (🏾 🏿) on them reads "black" (👨🏿 → "black", 👳🏾 → "black sikh"). */
const PERSON = '👨 🧔 👴 👩 👵 🧑 🧓 👱 👦 👧 🧒 👶 👮 🧕 👳 🙍 🙎 🙅 🙆 🙋 🙇 🤦 🤷 💁 💇 💆 🧏 🧍 🧎 🚶 🏃';

/** Emoji read as letters inside a word: the letter they show, and 🔑, a standard syllable ("mon🔑"). */
const LETTERS: ReadonlyMap<number, string> = new Map([
  [0x1f511, 'key'],
  // Negative circled (🅐) and negative squared (🅰 🅱 🅾 🅿) Latin capitals; NFKD does not fold them.
  ...Array.from({ length: 26 }, (_, k): [number, string] => [0x1f150 + k, String.fromCharCode(97 + k)]),
  ...Array.from({ length: 26 }, (_, k): [number, string] => [0x1f170 + k, String.fromCharCode(97 + k)]),
]);

/** What a code point does in an emoji sequence (`emojiKind`). */
export const EMOJI_NONE = 0;
/** Starts a sequence (an emoji that is not read as letters). */
export const EMOJI_BASE = 1;
/**
 * Continues a sequence: variation selectors, skin tones, tag characters, the keycap mark, and the
 * zero-width joiner (after which a base emoji belongs to the same sequence).
 */
export const EMOJI_EXTEND = 2;
/** The zero-width joiner. */
export const ZWJ = 0x200d;
/** Code points an emoji sequence keeps at most; longer sequences are read by their first ones. */
export const EMOJI_CAP = 16;

const RE_PICTO = /^\p{Extended_Pictographic}$/u;
const RE_TEXT = /[\p{L}\p{N}]/u;

/** The two blocks with emoji: U+2000–2BFF (symbols, dingbats) and U+1F000–1FAFF. */
const LOW = 0x2000;
const HIGH = 0x1f000;
const kindLow = new Uint8Array(0x2c00 - LOW);
const kindHigh = new Uint8Array(0x1fb00 - HIGH);
const kinds = (from: number, table: Uint8Array): void => {
  for (let k = 0; k < table.length; k++) {
    const ch = String.fromCodePoint(from + k);
    // Pictographs that normalisation already reads as letters (ℹ → i, ™ → tm, Ⓜ → m) stay letters.
    if (RE_PICTO.test(ch) && !LETTERS.has(from + k) && !RE_TEXT.test(ch.normalize('NFKD'))) table[k] = EMOJI_BASE;
  }
};
kinds(LOW, kindLow);
kinds(HIGH, kindHigh);
kindLow[ZWJ - LOW] = EMOJI_EXTEND;
kindLow[0x20e3 - LOW] = EMOJI_EXTEND;
for (let t = 0x1f3fb; t <= 0x1f3ff; t++) kindHigh[t - HIGH] = EMOJI_EXTEND;

/** What `cp` does in an emoji sequence: EMOJI_NONE for every code point outside the emoji blocks. */
export function emojiKind(cp: number): number {
  if (cp >= HIGH) {
    if (cp < 0x1fb00) return kindHigh[cp - HIGH] as number;
    return cp >= 0xe0020 && cp <= 0xe007f ? EMOJI_EXTEND : EMOJI_NONE;
  }
  if (cp >= LOW && cp < 0x2c00) return kindLow[cp - LOW] as number;
  return cp === 0xfe0f || cp === 0xfe0e ? EMOJI_EXTEND : EMOJI_NONE;
}

/** The letters an emoji stands for inside a word (🅾 → "o", 🔑 → "key"), if it is one. */
export function emojiLetters(cp: number): string | undefined {
  return LETTERS.get(cp);
}

/** A joined sequence's code points without variation selectors and skin tones: the key of JOINED. */
const keyOf = (cps: Iterable<number>): string => {
  let key = '';
  for (const cp of cps) if (cp !== 0xfe0f && cp !== 0xfe0e && (cp < 0x1f3fb || cp > 0x1f3ff)) key += `${cp} `;
  return key;
};

/** Readings of single emoji, by code point, and of zero-width-joined sequences, by `keyOf`. */
const SINGLE = new Map<number, string>();
const JOINED = new Map<string, string>();
for (const [emoji, reading] of WORDS)
  for (const e of emoji.split(' ')) {
    const cps = [...e].map((c) => c.codePointAt(0) as number);
    if (cps.length === 1) SINGLE.set(cps[0] as number, reading);
    else JOINED.set(keyOf(cps), reading);
  }
const PEOPLE = new Set([...PERSON.split(' ')].map((e) => e.codePointAt(0) as number));

/**
 * The words an emoji sequence `cps[0, n)` stands for, space-separated ('' if none): the reading
 * of the whole zero-width-joined sequence if it has one (👨‍❤️‍👨), otherwise of its first emoji
 * (👮‍♂️ → "police"), with "black" before a person shown with a dark skin tone (👮🏿 → "black police").
 */
export function readEmoji(cps: Int32Array, n: number): string {
  const seq = cps.subarray(0, n);
  const first = seq[0] as number;
  const joined = n > 2 && seq.includes(ZWJ) ? JOINED.get(keyOf(seq)) : undefined;
  const reading = joined ?? SINGLE.get(first) ?? '';
  if (!PEOPLE.has(first) || !seq.some((cp) => cp === 0x1f3fe || cp === 0x1f3ff)) return reading;
  return reading ? `black ${reading}` : 'black';
}
