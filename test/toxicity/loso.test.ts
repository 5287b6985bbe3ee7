import { describe, expect, it } from 'vitest';
import {
  type Doc,
  type Row,
  type Split,
  DEFAULTS,
  SEED,
  featurise,
  targetsOf,
  trainModel,
} from '../../scripts/train-toxicity.js';
import { losoFold, losoSources, verdict } from '../../bench/loso.js';
import { loadModel } from '../../src/detectors/toxicity/model.js';
import { toxicity } from '../../src/detectors/toxicity/index.js';
import { CHALLENGE } from './challenge.js';

/** A tiny synthetic data set: three labelled sources and benign answers, in both splits. */
function rows(cText = 'you absolute walnut, go away'): Row[] {
  const out: Row[] = [];
  const add = (source: string, text: string, toxic: boolean, split: Split, benign = false): void => {
    out.push({ text, toxic, hate: false, source, benign, split });
  };
  for (const split of ['train', 'calib'] as const) {
    add('alpha', 'you are a worthless idiot', true, split);
    add('alpha', 'what a lovely sunny day', false, split);
    add('beta', 'shut up you pathetic loser', true, split);
    add('beta', 'the meeting moved to tuesday', false, split);
    add('gamma', cText, true, split);
    add('gamma', 'thanks for the recipe', false, split);
    add('benign/answers', 'To sort a list in Python, call sorted(items).', false, split, true);
    add('benign/answers', 'The capital of France is Paris.', false, split, true);
  }
  return out;
}

const bytes = (m: ReturnType<typeof trainModel>): string =>
  JSON.stringify([
    Buffer.from(m.q.buffer).toString('base64'),
    Buffer.from(m.check).toString('base64'),
    m.scale,
    m.bias,
  ]);

describe('leave-one-source-out folds', () => {
  const docs = featurise(rows());

  it('leaves out each labelled source once, never the benign answers', () => {
    expect(losoSources(rows())).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('never trains on the left-out source and tests on all of it', () => {
    for (const source of losoSources(rows())) {
      const fold = losoFold(source);
      for (const d of docs) {
        const left = !d.r.benign && d.r.source === source;
        expect(fold.include(d.r)).toBe(!left);
        expect(fold.test(d.r)).toBe(left);
      }
    }
  });

  it('trains deterministically (same docs, same weights)', () => {
    expect(bytes(trainModel(docs))).toBe(bytes(trainModel(docs)));
  });

  it('the seed option picks the shuffle: the same seed, the same weights; another seed, other weights', () => {
    const seeded = (seed: number): string => bytes(trainModel(docs, { options: { ...DEFAULTS, seed } }));
    // The default is the shipped seed, so `npm run train:toxicity` is unchanged by the option.
    expect(seeded(SEED)).toBe(bytes(trainModel(docs)));
    expect(seeded(SEED + 1)).toBe(seeded(SEED + 1));
    expect(seeded(SEED + 1)).not.toBe(seeded(SEED));
  });

  it("a fold's model does not depend on the left-out rows", () => {
    const fold = losoFold('gamma');
    const withGamma = trainModel(docs, { include: fold.include });
    // Other text and labels in the left-out source: the fold's model must not change.
    const changed = featurise(rows('a perfectly friendly sentence')).map((d): Doc =>
      d.r.source === 'gamma' ? { ...d, r: { ...d.r, toxic: !d.r.toxic } } : d,
    );
    expect(bytes(trainModel(changed, { include: fold.include }))).toBe(bytes(withGamma));
    // Filtering in memory is the same as training on the filtered rows.
    expect(bytes(trainModel(docs.filter((d) => fold.include(d.r))))).toBe(bytes(withGamma));
    // And the left-out rows would have mattered (the check above is not vacuous).
    expect(bytes(trainModel(docs))).not.toBe(bytes(withGamma));
  });

  it("the verdict formula is the detector's (shipped weights, challenge set)", () => {
    const m = loadModel();
    const detector = toxicity();
    const challenge = featurise(
      CHALLENGE.map((c): Row => ({
        text: c.text,
        toxic: c.flag,
        hate: false,
        source: 'challenge',
        benign: false,
        split: 'dev',
      })),
    );
    for (const d of challenge) {
      const s = detector.detect({
        text: d.r.text,
        output: d.r.text,
        latencyMs: 0,
        route: 'primary',
        breaker: 't',
        context: {},
      });
      const v = verdict({ table: m.table, check: m.check, scale: m.scale, bias: m.bias }, d);
      expect(v.flagged, d.r.text).toBe(s.flagged);
      expect(v.offensive, d.r.text).toBe(s.flagged || (s.scores?.profanity ?? 0) >= 0.5);
    }
  });
});

describe('what a training row teaches each head (targetsOf)', () => {
  const doc = (r: Partial<Row>, text = 'Muslims pray five times a day.'): Doc =>
    featurise([{ text, toxic: false, hate: false, source: 'x', benign: false, split: 'train', ...r }])[0] as Doc;

  it("a labelled row: its data's labels on both heads, weight 1 (also the hate-only sources' negatives)", () => {
    expect(targetsOf(doc({ toxic: true, hate: true, source: 'davidson2017' }), DEFAULTS)).toEqual({
      y: [1, 1],
      weight: [1, 1],
    });
    expect(targetsOf(doc({ source: 'stormfront2018' }), DEFAULTS)).toEqual({ y: [0, 0], weight: [1, 1] });
    expect(targetsOf(doc({ toxic: true, source: 'edos2023' }), DEFAULTS)).toEqual({ y: [1, 0], weight: [1, 1] });
  });

  it('a benign answer: negative, weighted up, and more per head when it names a group', () => {
    const g = DEFAULTS.benignGroupWeight;
    expect(targetsOf(doc({ benign: true }), DEFAULTS)).toEqual({
      y: [0, 0],
      weight: [DEFAULTS.benignWeight * g[0], DEFAULTS.benignWeight * g[1]],
    });
    expect(targetsOf(doc({ benign: true }, 'The capital of France is Paris.'), DEFAULTS)).toEqual({
      y: [0, 0],
      weight: [DEFAULTS.benignWeight, DEFAULTS.benignWeight],
    });
  });
});
