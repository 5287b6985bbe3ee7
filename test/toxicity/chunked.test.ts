import { describe, expect, it } from 'vitest';
import { CHALLENGE } from './challenge.js';
import { ToxicityScanner, scanToxicity } from '../../src/detectors/toxicity/scanner.js';
import { lexicon } from '../../src/detectors/toxicity/lexicon.js';

/**
 * Streaming relies on this: text pushed in any chunks gives exactly the result of scanning it at
 * once (scores, spans, offsets), also on text that mixes plain prose, markdown, code, numbers,
 * obfuscation and every pattern, split inside words, symbols, sentence ends and surrogate pairs.
 */
const PLAIN = [
  'To find the total, multiply 12 by 3: 12 * 3 = 36, then add $18 for a final cost of $54.',
  "The patient's symptoms improved after 2 weeks; the women in the study reported fewer side effects.",
  'Here is a list:\n* apples\n* pears (about 1.5 kg)\n\nEach costs 3+4=7 dollars — or “so” they say… don’t worry.',
  'Black holes are regions of spacetime where gravity is so strong that nothing escapes.',
  'Le café était délicieux, naïve résumé.',
  '**Summary:** the release notes are in the **Changelog** section; see #releases and #F2E9E1.',
  'Solve 5x − 3x = 6 for x ≥ 0: x = 3 ± 0, about €3 ≈ £2.60 per item™, 2 × 3 ÷ 6 → 1 ∞ ∑ √4.',
  // Letters with digits that pass the lexicon's filter by chance but read as no listed word.
  'No associations appeared between HIF1A SNPs and AMD; see D2FA, B2d2, CO2, H2O, B12, GPT4 and MP4.',
];
const MIXED = [
  ...PLAIN,
  'A calm first line about cooking.\nThen you are a fucking idiot.\nAnd a calm last line about baking bread.',
  'First paragraph, plain.\n\nI will kill you.\n\nThird paragraph, plain again, about gardens and the people in them.',
  'Line one.\nf u c k this\nline three is fine',
  'Line one.\nwhat a fuuuuck\nline three',
  'We assess the root causes; grass, bass, classes and passes.\nroots and assessment\nyou asssses rooooot, rapping shiite fuckk',
  'Plain text.\nk1ll all of them\nmore plain text about Dick Cheney and Scunthorpe',
  'the k1ll and sh1t and f4g and 1d10t and b1tch and n1gg4 codes, then D2FA and HIF1A and c2A2 again',
  'Plain.\nDeath to them all.\nPlain.',
  'Plain.\nI know where you live.\nPlain.',
  'go back to your country\nplain',
  'Those immigrants are vermin.\nplain',
  'Saying "Muslims are scum" is hateful and wrong.\nIt is not okay to say that women are animals, really.\nplain',
  'plain line\nshut up\nplain 😀 emoji and ｆｕｃｋ full width',
  'zero\u200bwidth and f\u200bu\u200bc\u200bk and a lone \ud800 surrogate\nnext line',
  'La dentisterie est également appelée « médecine dentaire ». Æsir, Ærøskøbing, Noël, Straße.',
  // Look-alike letters the scanner reads as ASCII (Cyrillic, Greek), in plain words and in listed ones.
  'the \u0441at and the d\u043eg s\u0430t in the \u03bfld h\u043ease; fu\u0441k y\u043eu, \u0456di\u043et, k\u0456ll them, Ž\u0161\u010d and Łódź',
  '**fuck** you, #kill them, @ss and $hit, *yawns*, **stupid**, #idiot, @c_drew_ and **x**',
  // Words after leading symbols inside plain text: the model window can end on their trailing masks.
  'those hoes keep putting ketchup on the same fucking pizza....*smh*',
  'those hoes keep putting ketchup on the same fucking pizza.**ugh** #sad',
  '- [ ] **Summary:** the **Description** of #WomenInScience and @user_1 with **bold**, *it*, #F2E9E1',
  'Café: fück this, you are a bïtch, é é é and ñ ñ ñ, kïll them all, Dïck Cheney',
  'a b\nc d e f\ng',
  // Runs of plain words broken by numbers, single letters, overlong words and apostrophes.
  'We met twelve women and nine men at the market, then all of them went home and will see you soon.',
  'It costs 12 dollars. Then 3. Then 45 more; 7 left\n8 9 10 and 1000000 more items at 3.50 each',
  'see a b then x y z and a b c d, then more words after them',
  `plain words then ${'y'.repeat(48)} and ${'z'.repeat(49)} then plain words again`,
  "don't stop, it's fine, the students' work and O'Brien's notes",
  "you're right, we'll see: they've said it's the 80's rock'n'roll that shouldn't stop. can't. won't!",
  "you're an idiot's idiot and I'm sure you'll die, don't you think? 'quoted' words and `code` too",
  "what a fu'uck, you idi'oot, sh'itt happens and we'll see", // repeated letters across the apostrophe
  // Repeated letters inside a run of plain words: read as written ("will", "all", "root") or as the
  // listed word they collapse to ("soooo" → "so", "fuuuuck" → "fuck", "lmfaoooo" → "lmfao").
  'this is soooo good and we will all need it, the root of it all is well known to all of us',
  'we get her too lmfaoooo and then a fuuuuck and idiooot and assess it, yes we will',
  // Sentence ends inside a run of plain words, also after single letters ("f.u.c.k" is one word).
  'Plain words. More words? Yes; and then\nnew lines\n\nand e.g. a b. c and the U.S. news . then x. y. z. more\nthe end.',
  'It is a. b. c. d you idiot. Go on; it was fine.\nyou are a\nidiot and u. r. a. loser',
  'Plain words and then the kill process ends; the animals in the zoo and gas prices rose, said the country report.',
  // Phrase patterns that complete, or just fail to.
  'We should kill the process and then the people will go home. The people we kill are bugs.',
  'Death. To them it was news. Death to them all. The death toll rose to 12 people.',
  'Back then, my country was poor. In the country, back then, we went back home to our country.',
  'I know you live here; where do you live now? We live in a small town, and they live there too.',
  'Those men are animals. The animals ate; women and men walked past the animals in the zoo.',
  'They should be killed. They will be beaten. It can be hard to beat the traffic.',
  // Statements about a group: a verbless sentence is held until it ends; a denial halves the model.
  'Muslims? Disgusting. I met some gay people today. What a bunch of animals. I love Muslims. Animals are fine.',
  'I think Mexicans are lazy. Why are women so stupid? I want to see Muslims dead. Gay people are no better than animals.',
  'Trans people are not disgusting. The lives of immigrants do not matter. I will never respect women.',
  // Held until the next word: a name for the reader ends its clause; "shoot you" is a message before "a".
  'Thanks, idiot. ok moron\nthe village idiot lights are on, loser! I want to kill you. I will shoot you an email.',
  "your a moron and I hope you get cancer; someone should shoot you, you make me sick. Don't call me idiot. I'll slit your throat; just drop dead",
  'Jews control the media. Women belong in the kitchen; immigrants are taking over our country and bring crime.',
  '"Muslims are scum" is hateful. “Jews are vermin,” he said. It is racist: «Mexicans are animals». A 12" screen.',
  // Session 13: words read by the rules only (leetspeak, masks, letters spelt out, misspelt attributes),
  // quotations judged before or after them, and hits held for the next word.
  'I hate musl1ms and w0men. Immigrants are sc*m and t3rr0r1sts. I h a t e M u s l i m s, a c a n c e r. Women are terorists.',
  'Statements like "Black people are animals" are vile. It is disgusting to write "Muslims should be shot" online.',
  'Refugees need to disappear from the news. Muslims need to disappear. No woman belongs to anyone. No Muslim belongs here.',
  "I have never met an intelligent woman who wasn't kind. I have never met an intelligent woman. Police who attack Muslims should be shot.",
  'Nothing makes me angrier than Muslims; women fill me with pure rage, and they are all criminals. Why do women have to be so stupid?',
  // Session 14: attribution agreed with or denounced later, slurs quoted or named as words, protection,
  // groups only the rules know, a colon opening a clause, a noun of violence called for.
  'Nazi propaganda portrayed Jews as vermin, and it was not wrong. Colonial writers described Africans as savages, which was racist.',
  'The term tranny is considered a slur. The word "retarded" is offensive. The word retard fits you.',
  "Muslims should not be deported. Women aren't inferior. Trans women are real women. I'm just being honest: gay people are greedy.",
  'Roma are thieves and should be sent back. Femoids only want money. I support the killing of gays; the genocide of Jews.',
  'x'.repeat(60) + '\nplain',
  ...CHALLENGE.map((c) => c.text),
];

/** The result of pushing `text` in chunks of the given sizes (cycled). */
function chunked(text: string, sizes: readonly number[]): unknown {
  const s = new ToxicityScanner();
  for (let at = 0, k = 0; at < text.length; k++) {
    const n = sizes[k % sizes.length] as number;
    s.push(text.slice(at, at + n));
    at += n;
  }
  return s.end();
}

describe('chunked scanning of mixed text', () => {
  const texts = [...MIXED, MIXED.join('\n'), MIXED.join(' ')];

  it('equals whole-text scanning for every chunking', () => {
    for (const text of texts) {
      const whole = scanToxicity(text);
      for (const sizes of [[1], [2, 5], [7], [64, 3], [1000]]) expect(chunked(text, sizes), text).toEqual(whole);
    }
  });

  it('equals whole-text scanning around every listed word, in any case', () => {
    const words = [...lexicon().exact.keys()].filter((w) => /^[a-z]+$/.test(w));
    expect(words.length).toBeGreaterThan(500);
    for (const w of words) {
      for (const form of [w, w[0]?.toUpperCase() + w.slice(1), w.toUpperCase()]) {
        const text = `we all saw that ${form} was there and then more plain words came after it`;
        expect(chunked(text, [5, 3]), text).toEqual(scanToxicity(text));
      }
    }
  });

  it('is not changed by asking for the result mid-stream (a copy finishes the text)', () => {
    const text = MIXED.join('\n');
    const s = new ToxicityScanner();
    for (let i = 0; i < text.length; i += 11) {
      s.push(text.slice(i, i + 11));
      s.result();
    }
    expect(s.end()).toEqual(scanToxicity(text));
  });

  it('matches chunked incremental scanning', () => {
    const text = MIXED.join('\n');
    const inc = new ToxicityScanner();
    for (let i = 0; i < text.length; i += 7) inc.push(text.slice(i, i + 7));
    expect(scanToxicity(text)).toEqual(inc.end());
  });
});
