/**
 * Leave-one-source-out folds for the toxicity model, and the model's verdict for a featurised row
 * as the detector computes it, for weights held in memory (a fold's model is never written out).
 * bench/toxicity-loso.ts runs the folds; test/toxicity/loso.test.ts checks this logic.
 */
import { type Doc, type Row, bucketsOf, maxWindow } from '../scripts/train-toxicity.js';

/** The labelled sources, sorted: each is left out once. Benign answers are no labelled source and stay in every fold. */
export function losoSources(rows: readonly Row[]): string[] {
  return [...new Set(rows.filter((r) => !r.benign).map((r) => r.source))].sort();
}

export interface Fold {
  /** The source left out. */
  source: string;
  /** The rows the fold trains and calibrates on (pass as `trainModel`'s `include`): every other source and the benign answers. */
  include: (r: Row) => boolean;
  /** The rows it is tested on: every row of the left-out source, all splits (none was seen). */
  test: (r: Row) => boolean;
}

export function losoFold(source: string): Fold {
  return {
    source,
    include: (r) => r.benign || r.source !== source,
    test: (r) => !r.benign && r.source === source,
  };
}

/** Weights in memory: `table[bucket * HEADS + head]` (the zero bucket included), real weight = int8 × scale. */
export interface Weights {
  readonly table: Int8Array;
  /** The check byte of each bucket's feature (model.ts `checkOf`). */
  readonly check: Uint8Array;
  readonly scale: readonly number[];
  readonly bias: readonly number[];
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** The scanner rounds every score to 6 decimals before the thresholds see it. */
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** The model's two scores (toxic, hate) for a featurised row, as the scanner computes them (slope 1). */
export function modelScores(w: Weights, d: Doc): [number, number] {
  const buckets = bucketsOf(d.f, w.check);
  const score = (k: number): number => {
    const [s] = maxWindow(buckets, w.table, k);
    return s === -Infinity ? 0 : round6(sigmoid((w.bias[k] as number) + s * (w.scale[k] as number)));
  };
  return [score(0), score(1)];
}

export interface Verdict {
  /** Flagged at the default thresholds: a rule category ≥ 0.5, the toxic head ≥ 0.5, or the hate head ≥ 0.5 with a group named. */
  flagged: boolean;
  /** Flagged, or profanity ≥ 0.5 (the datasets count plain profanity as offensive). */
  offensive: boolean;
}

/**
 * The detector's verdict for a featurised row with weights `w`: the default `flag` thresholds are
 * 0.5 on toxicity, insult, identity attack and threat; toxicity is the maximum of the rules and
 * the toxic head, and the hate head reaches identity attack at full weight only when a group is
 * named (scanner.ts `finish`).
 */
export function verdict(w: Weights, d: Doc): Verdict {
  const [model, hate] = modelScores(w, d);
  const tox = d.modelHalved ? model * 0.5 : model;
  const flagged = round6(d.rules) >= 0.5 || tox >= 0.5 || (d.sawGroup && !d.modelHalved && hate >= 0.5);
  return { flagged, offensive: flagged || round6(d.profanity) >= 0.5 };
}
