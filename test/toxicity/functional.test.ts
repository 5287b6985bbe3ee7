/**
 * The functional suite (functional-cases.ts, our own cases on the HateCheck taxonomy): per
 * functionality, `toxicity()` with its default thresholds must get at least the share of cases
 * right that it got when the floors were set (measured 2026-12-06, raised 2026-12-07, with the shipped weights, rounded
 * down to 0.05). A floor of 0 marks a functionality the detector does not handle yet; it still runs so `npx tsx bench/toxicity-functional.ts` and this test agree on the cases.
 */
import { describe, expect, it } from 'vitest';
import { toxicity } from '../../src/detectors/toxicity/index.js';
import { FUNCTIONALITIES, functionalCases } from './functional-cases.js';

/** Accuracy floors per functionality (measured accuracy in the comment). */
const FLOORS: Record<string, number> = {
  F1: 1, // 1.000
  F2: 1, // 1.000
  F3: 1, // 1.000
  F4: 1, // 1.000
  F5: 1, // 1.000
  F6: 1, // 1.000
  F7: 1, // 1.000
  F8: 0.5, // 0.500
  F9: 0.65, // 0.667
  F10: 0.75, // 0.786
  F11: 1, // 1.000
  F12: 1, // 1.000
  F13: 1, // 1.000
  F14: 1, // 1.000
  F15: 1, // 1.000
  F16: 1, // 1.000
  F17: 1, // 1.000
  F18: 1, // 1.000
  F19: 0.95, // 0.952
  F20: 1, // 1.000
  F21: 1, // 1.000
  F22: 1, // 1.000
  F23: 1, // 1.000
  F24: 1, // 1.000
  F25: 1, // 1.000
  F26: 0.75, // 0.786
  F27: 1, // 1.000
  F28: 1, // 1.000
  F29: 1, // 1.000
};

const input = (text: string) => ({ text, output: text, latencyMs: 0, route: 'primary', breaker: 'test', context: {} });

describe('functional suite (HateCheck taxonomy, our own cases)', () => {
  const detector = toxicity();
  const cases = functionalCases();

  it('covers all 29 functionalities with hateful cases and non-hateful contrasts', () => {
    expect(FUNCTIONALITIES.map((f) => f.id)).toEqual(Array.from({ length: 29 }, (_, i) => `F${i + 1}`));
    expect(Object.keys(FLOORS).sort()).toEqual(FUNCTIONALITIES.map((f) => f.id).sort());
    expect(cases.some((c) => c.hateful)).toBe(true);
    expect(cases.some((c) => !c.hateful)).toBe(true);
  });

  it('reads an obfuscated "you" as the reader ("y0u are an idiot")', () => {
    expect(detector.detect(input('y0u are an idiot')).scores?.insult).toBeGreaterThanOrEqual(0.85);
    expect(detector.detect(input('y0u are an idiot')).flagged).toBe(true);
  });

  for (const f of FUNCTIONALITIES) {
    it(`${f.id} ${f.name}: accuracy ≥ ${FLOORS[f.id]}`, () => {
      const mine = cases.filter((c) => c.id === f.id);
      const wrong = mine.filter((c) => detector.detect(input(c.text)).flagged !== c.flag);
      const accuracy = 1 - wrong.length / mine.length;
      expect(accuracy, wrong.map((c) => c.text).join('\n')).toBeGreaterThanOrEqual(FLOORS[f.id] as number);
    });
  }
});
