/**
 * Emoji read as the words they stand for (src/detectors/toxicity/emoji.ts): emoji hate scores as
 * the same text in words, spans point at the emoji in the original text, streaming stays exact
 * across emoji sequences, and the emoji of ordinary assistant answers flag nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ToxicityScanner, scanToxicity } from '../../src/detectors/toxicity/scanner.js';
import { toxicity } from '../../src/detectors/toxicity/index.js';

const input = (text: string) => ({ text, output: text, latencyMs: 0, route: 'primary', breaker: 'test', context: {} });

/** Emoji hate and its twin in words: the reading the scanner must see. */
const TWINS: readonly (readonly [emoji: string, words: string])[] = [
  ['I would love to 🔪 some 👳🏾', 'I would love to stab some black sikh'],
  ['I wanna 🔥 the 🏳️‍🌈', 'I wanna burn the gay'],
  ['muslims are 🐀', 'muslims are rats'],
  ['✡️ are 🐀 and 🪳', 'jewish are rats and cockroaches'],
  ['🧕 are 🤮', 'muslim are disgusting'],
  ['all 👨🏿 are 🐒', 'all black are monkeys'],
  ['we should 🔫 all the 👭', 'we should shoot all the lesbian'],
  ['you are a 🤡', 'you are a clown'],
  ['all 👨‍❤️‍👨 should be ☠️', 'all gay should be die'],
  ['I want to 👊 every ♿ I see', 'I want to punch every disabled I see'],
];

describe('emoji read as words', () => {
  const detector = toxicity();

  it.each(TWINS)('"%s" scores as "%s"', (emoji, words) => {
    expect(detector.detect(input(words)).flagged).toBe(true); // the twin is hate in words
    expect(scanToxicity(emoji).scores).toEqual(scanToxicity(words).scores);
    expect(detector.detect(input(emoji)).flagged).toBe(true);
  });

  it('reads letter emoji and keycaps inside a word', () => {
    const monkeys = scanToxicity('muslims are mon🔑s');
    expect(monkeys.scores).toEqual(scanToxicity('muslims are monkeys').scores);
    expect(monkeys.spans[0]?.match).toBe('muslims … monkeys');
    expect(monkeys.spans[0]?.end).toBe('muslims are mon🔑s'.length);
    expect(scanToxicity('c0️⃣ck').spans[0]?.match).toBe('cock');
    expect(scanToxicity('sh🅰️t up you 🅰️ss').spans.map((s) => s.match)).toContain('ass');
    expect(scanToxicity('those people are N🅾️T human').scores).toEqual(
      scanToxicity('those people are NoT human').scores,
    );
  });

  it('points spans at the emoji in the original text', () => {
    const text = 'I wanna 🔥 the 🏳️‍🌈';
    const threat = scanToxicity(text).spans.find((s) => s.category === 'threat');
    expect(threat?.match).toBe('burn gay');
    // From the words before the verb to the end of the whole flag sequence (both halves of its last pair).
    expect(threat && text.slice(threat.start, threat.end)).toBe(text);
    const rats = scanToxicity('muslims are 🐀').spans.find((s) => s.match.includes('rats'));
    expect(rats && 'muslims are 🐀'.slice(rats.start, rats.end)).toBe('muslims are 🐀');
  });

  it('a skin tone or a joined part is read with its emoji, not on its own', () => {
    // A dark tone reads "black" on a person, not on a hand; a stray tone or joiner reads nothing.
    expect(scanToxicity('all 👍🏿 are 🐒').scores).toEqual(scanToxicity('all are monkeys').scores);
    expect(scanToxicity('all 🏿 are 🐒').scores).toEqual(scanToxicity('all are monkeys').scores);
    // A profession's tool or a gender sign is no word of its own: 👮‍♂️ is "police".
    expect(scanToxicity('kill the 👮🏻‍♂️').scores).toEqual(scanToxicity('kill the police').scores);
  });
});

describe('streaming across emoji sequences', () => {
  const texts = [
    'I would love to 🔪 some 👳🏾!',
    'all of these trash 🏳️‍🌈 are harming us. 👨🏿‍❤️‍💋‍👨🏿 and 👩‍❤️‍👩 go',
    'N🅾️T mon🔑s c0️⃣ck love🔪you 🔪.you',
    '🙅🏾‍♀️ the 🏴󠁧󠁢󠁥󠁮󠁧󠁿 x ✅🚀🔥👉 done 🤡\u200d\u200d🐀',
  ];

  it('push() in three pieces, cut anywhere (inside a pair, before a tone or joiner), equals scanning at once', () => {
    for (const text of texts) {
      const whole = scanToxicity(text);
      for (let a = 0; a <= text.length; a++)
        for (let b = a; b <= text.length; b++) {
          const s = new ToxicityScanner();
          s.push(text.slice(0, a));
          s.push(text.slice(a, b));
          // A result mid-stream is that of the prefix, and leaves the stream as it was.
          if (!isDeepStrictEqual(s.result(), scanToxicity(text.slice(0, b))))
            expect(s.result(), `${text} mid at ${a}/${b}`).toEqual(scanToxicity(text.slice(0, b)));
          s.push(text.slice(b));
          const got = s.end();
          if (!isDeepStrictEqual(got, whole)) expect(got, `${text} cut at ${a}/${b}`).toEqual(whole);
        }
    }
  });

  it('an endless joined sequence keeps bounded state and reads as its first emoji', () => {
    const text = `kill the 👮${'\u200d👮'.repeat(100_000)} now`;
    expect(scanToxicity(text).scores).toEqual(scanToxicity('kill the police now').scores);
  });
});

/** Assistant answers written for this test, with the emoji such answers use. */
const BENIGN = [
  '✅ Done! Your build passed. 🚀 Next steps:\n👉 run `npm test`\n👉 deploy with `npm run release` 🎉',
  '🔥 Hot tip: cache the results. ⚡ This makes the page load 3× faster. 💡 See the docs for details.',
  "Here's the plan:\n1️⃣ Gather the data 📊\n2️⃣ Clean it 🧹\n3️⃣ Train the model 🤖\n⚠️ Watch out for leakage!",
  'Great question! 😊 The 🐍 Python `sorted()` function returns a new list; `list.sort()` sorts in place. 👍🏿',
  'Happy Pride Month! 🏳️‍🌈 Our team celebrates every member, and ♿ accessible seating is available at the venue.',
  'The recipe: 🐷 pork shoulder, 🔥 slow-roast for 6 hours, then rest it 30 minutes. Enjoy! 😋',
  '📌 Summary: the 💣 bomb-disposal robot demo was a success; 💀 Halloween theme next week 🎃.',
  'I ❤️ this idea. 👩‍💻 Maya and 👨‍🔬 Sam will lead it from the Cairo office, and everyone can join. 🙌🏽',
  'Congrats on the launch! 💀 I was dying laughing at the demo video 😂 — the 🤮 reaction GIF was perfect.',
];

describe('benign emoji answers', () => {
  it.each(BENIGN)('are not flagged: %s', (text) => {
    const r = toxicity().detect(input(text));
    expect(r.flagged, JSON.stringify(r.scores)).toBe(false);
  });
});
