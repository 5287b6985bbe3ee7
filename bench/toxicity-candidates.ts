/**
 * What the toxicity benches compare, and how they score it: our detector, the npm lexicons (run
 * as their READMEs show), and the confusion counts and F1 they all report. Shared by
 * bench/toxicity.ts (dev split, speed) and bench/toxicity-loso.ts (leave one source out).
 */
import { profanity } from '@2toad/profanity';
import leo from 'leo-profanity';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { Filter } from 'bad-words';
import type { Row } from '../scripts/train-toxicity.js';
import { toxicity } from '../src/detectors/toxicity/index.js';

const detector = toxicity();
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const badWords = new Filter();

/** A detector input carrying only the text. */
export const input = (text: string) => ({
  text,
  output: text,
  latencyMs: 0,
  route: 'primary',
  breaker: 'bench',
  context: {},
});

export interface Candidate {
  name: string;
  /** "this text is toxic/offensive" as the detector would report it. */
  flag: (text: string) => boolean;
  block?: (text: string) => boolean;
  /** What to time. */
  run: (text: string) => unknown;
}

/** The shipped detector with its default thresholds. */
export const ours: Candidate = {
  name: 'safety-breaker toxicity()',
  flag: (t) => detector.detect(input(t)).flagged,
  block: (t) => detector.detect(input(t)).blocked === true,
  run: (t) => detector.detect(input(t)),
};
/** The dataset's notion of "toxic" includes plain profanity ("offensive"): ours flagged OR profanity ≥ 0.5. */
export const oursOffensive: Candidate = {
  name: 'toxicity() flagged or profanity ≥ 0.5',
  flag: (t) => {
    const s = detector.detect(input(t));
    return s.flagged || (s.scores?.profanity ?? 0) >= 0.5;
  },
  run: (t) => detector.detect(input(t)),
};
export const lexicons: Candidate[] = [
  { name: '@2toad/profanity', flag: (t) => profanity.exists(t), run: (t) => profanity.exists(t) },
  { name: 'leo-profanity', flag: (t) => leo.check(t), run: (t) => leo.check(t) },
  { name: 'obscenity', flag: (t) => matcher.hasMatch(t), run: (t) => matcher.hasMatch(t) },
  { name: 'bad-words', flag: (t) => badWords.isProfane(t), run: (t) => badWords.isProfane(t) },
];

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export function counts(rows: readonly Row[], pred: (t: string) => boolean, label: (r: Row) => boolean): Counts {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const r of rows) tally(c, pred(r.text), label(r));
  return c;
}

/** Adds one prediction `p` for a row labelled `y` to `c`. */
export function tally(c: Counts, p: boolean, y: boolean): void {
  if (p && y) c.tp++;
  else if (p) c.fp++;
  else if (y) c.fn++;
  else c.tn++;
}

const f1 = (tp: number, fp: number, fn: number): number => (tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));

/** Precision, recall, F1 of the toxic class and macro-F1 (mean of both classes' F1). */
export function metrics(c: Counts): { p: number; r: number; f1: number; macro: number } {
  const p = c.tp / Math.max(1, c.tp + c.fp);
  const r = c.tp / Math.max(1, c.tp + c.fn);
  const fPos = f1(c.tp, c.fp, c.fn);
  const fNeg = f1(c.tn, c.fn, c.fp);
  return { p, r, f1: fPos, macro: (fPos + fNeg) / 2 };
}

export const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
export const f3 = (x: number): string => x.toFixed(3);
