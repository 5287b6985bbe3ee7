/**
 * Trains the toxicity model shipped in src/detectors/toxicity/weights.ts.
 *
 *   npm run train:toxicity            # reads ../shared/data, writes weights.ts
 *
 * As a module: `loadRows` → `featurise` → `trainModel(docs, { include })` trains and calibrates in
 * memory on the rows `include` keeps (bench/toxicity-loso.ts leaves one source out this way);
 * `weightsSource` is the text of weights.ts.
 *
 * Deterministic: a fixed seed, a fixed split by hash of each row's id (or text), and a single
 * thread of float64 arithmetic, so the same data gives byte-identical weights.
 *
 * Model: logistic regression over the hashed features of src/detectors/toxicity/features.ts (words,
 * word pairs, words said of a group or of "you", the words before a group's name) of the scanner's
 * normalised, de-obfuscated words (pure expletives hidden; group names never on their own; numbers
 * and words of other languages one feature each), two heads (toxic = hate or offensive; hate),
 * scored as the maximum over sliding windows of WINDOW words (multiple-instance learning: each
 * step updates the highest-scoring window). The benign assistant answers are negatives, weighted
 * up because they are the base rate the detector actually sees. The thresholds are calibrated on
 * the calib split for "rules or model", as the detector flags (see `build` and MODEL.md).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BITS, HEADS, MASK, TABLE_SIZE, WINDOW, ZERO_BUCKET, checkOf } from '../src/detectors/toxicity/model.js';
import { SLOTS } from '../src/detectors/toxicity/features.js';
import { trainerView } from '../src/detectors/toxicity/scanner.js';

export const SEED = 20261127;
/** Training settings (chosen on the calib split; see MODEL.md). */
export interface TrainOptions {
  /** Seed of the shuffle of the training rows each epoch ({@link SEED} for the shipped weights). */
  seed: number;
  epochs: number;
  lr: number;
  l2: number;
  /** Weight of a benign assistant answer relative to a labelled row. */
  benignWeight: number;
  /** Flag operating point: the model alone may flag at most this share of calibration benign answers. */
  benignFlagBudget: number;
  /** Also: the model alone may flag at most this share of each benign file's calibration answers (0: no per-file limit). `toxic` head only. */
  perFileBudget: number;
  /**
   * The `hate` head may flag at most this share of all calibration answers (0: none). It counts only
   * where a group is named, which few answers do: pooled over the files, not per file (a per-file
   * limit for a file of 200 answers is a single answer). Measured: 0.001 (two answers) flagged
   * benign statements about religions and history among the challenge probes.
   */
  hateFlagBudget: number;
  /**
   * Extra factor on `benignWeight` for a benign answer that names a group, per head (`toxic`,
   * `hate`): where the `hate` head counts fully, so where its false flags come from ("Gay and lesbian
   * couples can adopt children").
   */
  benignGroupWeight: readonly [number, number];
}
export const DEFAULTS: TrainOptions = {
  seed: SEED,
  epochs: 4,
  lr: 0.1,
  l2: 1e-6,
  benignWeight: 16,
  benignFlagBudget: 0.005,
  perFileBudget: 0.005,
  hateFlagBudget: 0,
  benignGroupWeight: [4, 16],
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, '../shared/data');

export type Split = 'train' | 'calib' | 'dev';
export interface Row {
  text: string;
  toxic: boolean;
  hate: boolean;
  source: string;
  benign: boolean;
  split: Split;
}

/** FNV-1a of a row's key, 30 bits: the split's own hash, so a change to the word hash never moves a row. */
function splitHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

/**
 * Deterministic split by hash: toxicity rows 70/10/20 (train/calib/dev); each benign file in a
 * calibration half (30 % train, 20 % calib) and a held-out half (50 %, `dev`: never trained or
 * calibrated on, the only half its benign rates are reported on).
 */
export function splitOf(key: string, benign: boolean): Split {
  const u = (splitHash(key) % 1000) / 1000;
  if (benign) return u < 0.3 ? 'train' : u < 0.5 ? 'calib' : 'dev';
  return u < 0.7 ? 'train' : u < 0.8 ? 'calib' : 'dev';
}

/**
 * Whether a row's label is hate (the `hate` head's target). The sources name it differently:
 * `hate` (davidson2017, stormfront2018), `hatespeech` (hatexplain2021), `hateful` (hatemojibuild2022,
 * foxnews2017) and `…_hateful_…` among mlma2019's joined labels. convabuse2021's `abusive` and
 * edos2023's `sexist/…` are toxic but not hate: their definitions are abuse of the agent and sexism.
 */
export function isHateLabel(label: string): boolean {
  return label === 'hate' || label === 'hatespeech' || label.split('_').includes('hateful');
}

/**
 * What a training row teaches each head, `[toxic, hate]`: the targets `y` and the weights. Every
 * labelled row counts 1 on both heads with its data's labels (`toxic`; `hate` from `isHateLabel`);
 * a benign answer `benignWeight`, × `benignGroupWeight` of the head when it names a group.
 * The sources' label definitions differ (../shared/data/toxicity/README.md, mapping column), but
 * mapping them otherwise did not pay (MODEL.md, "Label mapping and source weights"): no weight for
 * the hate-only sources' negatives on the `toxic` head and per-source or per-class weights moved
 * the left-out numbers less than the training seed does; edos2023's sexism as `hate` and no `hate`
 * target for convabuse2021's abuse gained ≈ 0.01 on two sources but raised the `hate` head's benign
 * floor and cost the functional suite 0.04–0.12 of accuracy at every seed.
 */
export function targetsOf(d: Doc, o: TrainOptions): { y: number[]; weight: number[] } {
  if (d.r.benign) return { y: [0, 0], weight: o.benignGroupWeight.map((g) => o.benignWeight * (d.sawGroup ? g : 1)) };
  return { y: [d.r.toxic ? 1 : 0, d.r.hate ? 1 : 0], weight: [1, 1] };
}

export function loadRows(dir = dataDir): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(join(dir, 'toxicity/labeled.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as { text: string; label: string; toxic: boolean; source: string; id: string };
    rows.push({
      text: o.text,
      toxic: o.toxic,
      hate: isHateLabel(o.label),
      source: o.source,
      benign: false,
      split: splitOf(o.id, false),
    });
  }
  for (const f of readdirSync(join(dir, 'benign'))
    .filter((n) => n.endsWith('.jsonl'))
    .sort()) {
    for (const line of readFileSync(join(dir, 'benign', f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as { text: string; source: string };
      rows.push({
        text: o.text,
        toxic: false,
        hate: false,
        source: `benign/${f.replace('.jsonl', '')}`,
        benign: true,
        split: splitOf(`${f}:${o.text}`, true),
      });
    }
  }
  return rows;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Features a bucket needs to have been seen this often in the train split to belong to it. */
const MIN_COUNT = 2;

/**
 * The check byte of each bucket's feature (model.ts `checkOf`): the feature seen most often in
 * that bucket in `train` (at least MIN_COUNT times; ties to the smaller hash). A bucket no feature
 * owns keeps check 0 and weight 0. (Measured and dropped: the feature that tells most about the
 * labels, |Σ weight × (y − mean y)|, instead of the most frequent: no better left out, MODEL.md.)
 */
export function bucketChecks(train: readonly { f: Int32Array }[]): Uint8Array {
  const counts = new Map<number, number>();
  for (const d of train) for (const h of d.f) if (h >= 0) counts.set(h, (counts.get(h) ?? 0) + 1);
  const owner = new Int32Array(1 << BITS).fill(-1);
  const best = new Int32Array(1 << BITS);
  for (const [h, n] of counts) {
    if (n < MIN_COUNT) continue;
    const b = h & MASK;
    if (n > (best[b] as number) || (n === best[b] && h < (owner[b] as number))) {
      owner[b] = h;
      best[b] = n;
    }
  }
  const check = new Uint8Array(1 << BITS);
  owner.forEach((h, b) => (check[b] = h >= 0 ? checkOf(h) : 0));
  return check;
}

/** A row's features as trained buckets, as the scanner reads them: a feature whose check byte does not match its bucket's reads the zero bucket. */
export function bucketsOf(f: Int32Array, check: Uint8Array): Int32Array {
  const out = new Int32Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const h = f[i] as number;
    out[i] = h >= 0 && check[h & MASK] === checkOf(h) ? h & MASK : ZERO_BUCKET;
  }
  return out;
}

/**
 * Max window sum and the window's [from, to) word range, for weights w (stride HEADS, head k);
 * `f` holds SLOTS buckets per word (`bucketsOf`).
 */
export function maxWindow(f: Int32Array, w: Float64Array | Int8Array, k: number): [number, number, number] {
  const n = f.length / SLOTS;
  if (n === 0) return [-Infinity, 0, 0];
  const pref = new Float64Array(n + 1);
  let best = -Infinity;
  let from = 0;
  let to = 0;
  for (let i = 1; i <= n; i++) {
    let sum = pref[i - 1] as number;
    for (let j = (i - 1) * SLOTS; j < i * SLOTS; j++) sum += w[(f[j] as number) * HEADS + k] as number;
    pref[i] = sum;
    const lo = i >= WINDOW ? i - WINDOW : 0;
    const s = (pref[i] as number) - (pref[lo] as number);
    if (s > best) {
      best = s;
      from = lo;
      to = i;
    }
  }
  return [best, from, to];
}

interface Trained {
  w: Float64Array;
  bias: number[];
}

export function train(
  docs: { f: Int32Array; y: number[]; weight: number[] }[],
  o: TrainOptions = DEFAULTS,
  log?: (line: string) => void,
): Trained {
  const w = new Float64Array(TABLE_SIZE);
  const g2 = new Float64Array(TABLE_SIZE).fill(1e-8);
  const bias = [0, 0];
  const bg2 = [1e-8, 1e-8];
  const rand = mulberry32(o.seed);
  const order = docs.map((_, i) => i);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const idx of order) {
      const d = docs[idx];
      if (!d || d.f.length === 0) continue;
      for (let k = 0; k < HEADS; k++) {
        const [s, from, to] = maxWindow(d.f, w, k);
        const p = 1 / (1 + Math.exp(-((bias[k] as number) + s)));
        const g = (p - (d.y[k] as number)) * (d.weight[k] as number);
        bg2[k] = (bg2[k] as number) + g * g;
        bias[k] = (bias[k] as number) - (o.lr * g) / Math.sqrt(bg2[k] as number);
        for (let t = SLOTS * from; t < SLOTS * to; t++) {
          if (d.f[t] === ZERO_BUCKET) continue; // stays zero
          const j = (d.f[t] as number) * HEADS + k;
          const gj = g + o.l2 * (w[j] as number);
          g2[j] = (g2[j] as number) + gj * gj;
          w[j] = (w[j] as number) - (o.lr * gj) / Math.sqrt(g2[j] as number);
        }
      }
    }
    log?.(`epoch ${epoch + 1}/${o.epochs}`);
  }
  return { w, bias };
}

export function quantise(w: Float64Array): { q: Int8Array; scale: number[] } {
  const q = new Int8Array(w.length);
  const scale: number[] = [];
  for (let k = 0; k < HEADS; k++) {
    const abs: number[] = [];
    for (let j = k; j < w.length; j += HEADS) if (w[j] !== 0) abs.push(Math.abs(w[j] as number));
    abs.sort((a, b) => a - b);
    // Clip the top 0.01 % so outliers do not eat the resolution.
    const clip = abs.length ? (abs[Math.min(abs.length - 1, Math.floor(abs.length * 0.9999))] as number) : 1;
    const s = clip / 127;
    scale.push(Number(s.toPrecision(8)));
    for (let j = k; j < w.length; j += HEADS)
      q[j] = Math.max(-127, Math.min(127, Math.round((w[j] as number) / (scale[k] as number))));
  }
  return { q, scale };
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The logit threshold at which at most `budget` of the benign scores are at or above it. */
function benignThreshold(benign: number[], budget: number): number {
  const s = [...benign].sort((a, b) => b - a);
  const k = Math.floor(s.length * budget);
  return (s[k] ?? -Infinity) + 1e-9;
}

export interface Doc {
  r: Row;
  /** The model's features, SLOTS per word (features.ts); `bucketsOf` maps them to a model's buckets. */
  f: Int32Array;
  /** The rules alone flag the text as the bench's headline predictor does (any category ≥ 0.5 but profanity, or profanity ≥ 0.5). */
  ruleFlag: boolean;
  /** Rule scores without the model: the strongest of insult, identity attack and threat; profanity. */
  rules: number;
  profanity: number;
  /** A group was named: the hate head counts fully (scanner.ts `score`). */
  sawGroup: boolean;
  /** Violence a group suffered was reported, or hate quoted to denounce it: the model counts half (scanner.ts `score`). */
  modelHalved: boolean;
}

/** The model's features and the rules' evidence for each row (what the trainer and its evaluations read). */
export function featurise(rows: readonly Row[]): Doc[] {
  return rows.map((r): Doc => {
    const v = trainerView(r.text);
    return {
      r,
      f: v.buckets,
      ruleFlag: v.rules >= 0.5 || v.profanity >= 0.5,
      rules: v.rules,
      profanity: v.profanity,
      sawGroup: v.sawGroup,
      modelHalved: v.modelHalved,
    };
  });
}

/** Logit steps above the benign floor searched by the calibration. */
const STEPS = Array.from({ length: 21 }, (_, i) => i * 0.25);

const macroF1 = (tp: number, fp: number, fn: number, tn: number): number =>
  tp / Math.max(1, 2 * tp + fp + fn) + tn / Math.max(1, 2 * tn + fp + fn);

export interface CalibrationReport {
  /** Per head, the logit at which the model alone flags `benignFlagBudget` of the calibration benign answers. */
  floors: number[];
  /** Per head, the chosen logit threshold (score 0.5). */
  thresholds: number[];
  /** Calibration macro-F1 of "rules or model" per source at the chosen thresholds. */
  calibMacroF1: Record<string, number>;
}

/** A trained, calibrated model in memory: what weights.ts holds. */
export interface TrainedModel {
  /** int8 weights, `q[bucket * HEADS + head]`, 2^BITS buckets (plus the zero bucket, always 0). */
  q: Int8Array;
  /** The check byte of each bucket's feature (`bucketChecks`). */
  check: Uint8Array;
  scale: number[];
  /** Logit offsets with the calibration shift: score 0.5 at each head's threshold. */
  bias: number[];
  /** Per head, the factor on the logit before the sigmoid: 1, or less for the `hate` head (see `trainModel`). */
  slope: number[];
  report: CalibrationReport;
}

export interface TrainModelOptions {
  /** Rows to train and calibrate on; the others are ignored as if absent. Default: all. */
  include?: (r: Row) => boolean;
  options?: TrainOptions;
  /** Progress lines (one per epoch); none by default. */
  log?: (line: string) => void;
}

/**
 * Trains on the train split and calibrates on the calib split of the rows `include` keeps, in
 * memory: int8 weights, scales, shifted biases. Deterministic: the same docs and options give the
 * same model (the options' seed, {@link SEED} by default; float64 arithmetic in one thread).
 */
export function trainModel(all: readonly Doc[], m: TrainModelOptions = {}): TrainedModel {
  const o = m.options ?? DEFAULTS;
  const include = m.include;
  const included = include ? all.filter((d) => include(d.r)) : all;
  const trainRaw = included.filter((d) => d.r.split === 'train').map((d) => ({ f: d.f, ...targetsOf(d, o) }));
  const check = bucketChecks(trainRaw);
  const docs = included.map((d) => ({ ...d, f: bucketsOf(d.f, check) }));
  const trainDocs = trainRaw.map((d) => ({ ...d, f: bucketsOf(d.f, check) }));
  const { w, bias } = train(trainDocs, o, m.log);
  const { q, scale } = quantise(w);
  // A bucket whose weights round to zero reads zero whoever owns it: check 0 (the shipped file compresses).
  for (let b = 0; b < check.length; b++) if (q[b * HEADS] === 0 && q[b * HEADS + 1] === 0) check[b] = 0;

  // Calibrate on the calibration split only (never on dev/test). The model is one half of what
  // flags a text — the rules are the other — so its thresholds are chosen for the two together:
  // 1. per head, the floor: the logit at which the model alone flags at most benignFlagBudget of
  //    the benign answers;
  // 2. at or above the floors, the pair of thresholds (toxic head; hate head, which counts when a
  //    group is named) that maximises the mean over sources of the macro-F1 of "rules or model".
  // Each head's threshold maps to score 0.5.
  const logit = (f: Int32Array, k: number): number => {
    const [s] = maxWindow(f, q, k);
    return s === -Infinity ? -Infinity : (bias[k] as number) + s * (scale[k] as number);
  };
  const calib = docs.filter((d) => d.r.split === 'calib');
  const calibBenign = calib.filter((d) => d.r.benign);
  const benignFiles = o.perFileBudget > 0 ? [...new Set(calibBenign.map((d) => d.r.source))].sort() : [];
  const floors = [0, 1].map((k) => {
    // The hate head counts only where a group is named (scanner.ts `score`): only there can it flag.
    const scores = calibBenign.map((d) => (k === 1 && !d.sawGroup ? -Infinity : logit(d.f, k)));
    if (k === 1) return benignThreshold(scores, o.hateFlagBudget);
    return Math.max(
      benignThreshold(scores, o.benignFlagBudget),
      ...benignFiles.map((file) =>
        benignThreshold(
          scores.filter((_, i) => calibBenign[i]?.r.source === file),
          o.perFileBudget,
        ),
      ),
    );
  });
  const labelled = calib.filter((d) => !d.r.benign);
  const sources = [...new Set(labelled.map((d) => d.r.source))].sort();
  const lt = labelled.map((d) => logit(d.f, 0));
  const lh = labelled.map((d) => (d.sawGroup ? logit(d.f, 1) : -Infinity));
  let best = -1;
  let shifts = floors;
  const perSource: Record<string, number> = {};
  for (const a of STEPS) {
    for (const b of STEPS) {
      const tT = (floors[0] as number) + a;
      const tH = (floors[1] as number) + b;
      const c = sources.map(() => [0, 0, 0, 0]);
      labelled.forEach((d, i) => {
        const p = d.ruleFlag || (lt[i] as number) >= tT || (lh[i] as number) >= tH;
        const x = c[sources.indexOf(d.r.source)] as number[];
        const j = p ? (d.r.toxic ? 0 : 1) : d.r.toxic ? 2 : 3;
        x[j] = (x[j] as number) + 1;
      });
      const m = c.map((x) => macroF1(x[0] as number, x[1] as number, x[2] as number, x[3] as number));
      const v = m.reduce((s, x) => s + x, 0) / Math.max(1, m.length);
      if (v > best + 1e-12) {
        best = v;
        shifts = [tT, tH];
        sources.forEach((src, i) => (perSource[src] = Number((m[i] as number).toFixed(4))));
      }
    }
  }
  // The hate head blocks at score 0.8 (the detector's default) when a group is named: its slope puts
  // that point a quarter logit above every calibration benign answer (held-out answers reach higher
  // than the few calibration answers that name a group). The slope leaves score 0.5, so the flag
  // point, where it is.
  const blockLogit = Math.log(0.8 / 0.2);
  const groupTop = Math.max(0, ...calibBenign.map((d) => logit(d.f, 1) - (shifts[1] as number) + 0.25));
  const slope = [1, groupTop > blockLogit ? Number((blockLogit / groupTop).toPrecision(6)) : 1];
  const report: CalibrationReport = { floors, thresholds: shifts, calibMacroF1: perSource };
  return {
    q,
    check,
    scale,
    bias: bias.map((b, k) => Number((b - (shifts[k] as number)).toPrecision(10))),
    slope,
    report,
  };
}

/** The text of weights.ts for a trained model. */
export function weightsSource(model: TrainedModel): string {
  const data = toBase64(new Uint8Array(model.q.buffer, 0, HEADS << BITS));
  return `// Generated by scripts/train-toxicity.ts (npm run train:toxicity) — do not edit.
// ${HEADS} heads × 2^${BITS} int8 buckets and a check byte per bucket, seed ${SEED}; see MODEL.md for data, licences and metrics.
export const WEIGHTS = {
  data: '${data}',
  check: '${toBase64(model.check)}',
  scale: ${JSON.stringify(model.scale)},
  bias: ${JSON.stringify(model.bias)},
  slope: ${JSON.stringify(model.slope)},
} as const satisfies {
  data: string;
  check: string;
  scale: readonly number[];
  bias: readonly number[];
  slope: readonly number[];
};
`;
}

function main(): void {
  const t0 = Date.now();
  const docs = featurise(loadRows());
  process.stderr.write(`featurised ${docs.length} rows in ${Date.now() - t0} ms\n`);
  const model = trainModel(docs, { log: (line) => process.stderr.write(`${line}\n`) });
  const out = weightsSource(model);
  writeFileSync(join(root, 'src/detectors/toxicity/weights.ts'), out);
  const count = (s: Split): number => docs.filter((d) => d.r.split === s).length;
  process.stdout.write(
    JSON.stringify(
      {
        seed: SEED,
        rows: docs.length,
        train: count('train'),
        calib: count('calib'),
        dev: count('dev'),
        bytes: HEADS << BITS,
        base64: toBase64(new Uint8Array(model.q.buffer, 0, HEADS << BITS)).length,
        scale: model.scale,
        bias: model.bias,
        slope: model.slope,
        calibration: model.report,
        ms: Date.now() - t0,
      },
      null,
      2,
    ) + '\n',
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
