/**
 * Suite B (functional-cases-b.ts, written blind to the detector's rules): its structure only. No
 * accuracy floors here on purpose: a floor would invite tuning the detector to these cases, which
 * would end their use as a blind estimate. Accuracy is reported by `npx tsx bench/toxicity-functional.ts`.
 */
import { describe, expect, it } from 'vitest';
import { FUNCTIONALITIES_B, functionalCasesB } from './functional-cases-b.js';
import { FUNCTIONALITIES, GROUPS, functionalCases } from './functional-cases.js';

/** Functionalities written out in full: slurs belong to one group, the other targets are not groups. */
const PLAIN = new Set(['F7', 'F8', 'F9', 'F22', 'F23', 'F24']);

/** The taxonomy's non-hateful contrasts of each hateful functionality. */
const CONTRASTS: Record<string, readonly string[]> = {
  F7: ['F8', 'F9'],
  F10: ['F11'],
  F14: ['F15'],
  F1: ['F18', 'F19', 'F20', 'F21'],
  F5: ['F20', 'F21'],
};

const names = (t: string): boolean => t.includes('{G}') || t.includes('{a}');

describe('functional suite B (HateCheck taxonomy, written blind)', () => {
  const cases = functionalCasesB();

  it('has the same 29 functionalities, labels and flags as suite A', () => {
    const shape = (fs: typeof FUNCTIONALITIES) =>
      fs.map(({ id, name, hateful, flag }) => ({ id, name, hateful, flag: flag ?? hateful }));
    expect(FUNCTIONALITIES_B.map((f) => f.id)).toEqual(Array.from({ length: 29 }, (_, i) => `F${i + 1}`));
    expect(shape(FUNCTIONALITIES_B)).toEqual(shape(FUNCTIONALITIES));
    // Abuse aimed at the reader is flagged by design, though it is not hate.
    expect(FUNCTIONALITIES_B.find((f) => f.id === 'F23')).toMatchObject({ hateful: false, flag: true });
  });

  it('gives every functionality enough templates, over all seven groups where it names a group', () => {
    for (const f of FUNCTIONALITIES_B) {
      const mine = cases.filter((c) => c.id === f.id);
      if (PLAIN.has(f.id)) {
        expect(f.templates.filter(names), f.id).toEqual([]);
        expect(mine.length, f.id).toBeGreaterThanOrEqual(5);
      } else {
        expect(f.templates.filter(names).length, f.id).toBeGreaterThanOrEqual(4);
      }
      for (const c of mine) expect(c, f.id).toMatchObject({ hateful: f.hateful, flag: f.flag ?? f.hateful });
    }
    for (const [plural] of GROUPS) {
      const naming = cases.filter((c) => c.text.toLowerCase().includes(plural.toLowerCase()));
      expect(
        naming.some((c) => c.hateful),
        plural,
      ).toBe(true);
      expect(
        naming.some((c) => !c.hateful),
        plural,
      ).toBe(true);
    }
  });

  it('has a non-hateful contrast for each hateful functionality that the taxonomy contrasts', () => {
    for (const [hateful, contrasts] of Object.entries(CONTRASTS)) {
      expect(cases.some((c) => c.id === hateful && c.hateful)).toBe(true);
      for (const id of contrasts)
        expect(
          cases.some((c) => c.id === id && !c.hateful),
          id,
        ).toBe(true);
    }
  });

  it('has no unfilled placeholder, no duplicate text, and no text from suite A', () => {
    expect(cases.filter((c) => /[{}]/.test(c.text))).toEqual([]);
    const texts = cases.map((c) => c.text.toLowerCase());
    expect(texts.filter((t, i) => texts.indexOf(t) !== i)).toEqual([]);
    const a = new Set(functionalCases().map((c) => c.text.toLowerCase()));
    expect(texts.filter((t) => a.has(t))).toEqual([]);
  });
});
