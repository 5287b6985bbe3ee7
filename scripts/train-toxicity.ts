/**
 * Trains the toxicity model shipped in src/detectors/toxicity/weights.ts.
 *
 *   npm run train:toxicity            # reads ../shared/data, writes weights.ts
 *
 * Deterministic: a fixed seed, a fixed split by hash of each row's id (or text), and a single
 * thread of float64 arithmetic, so the same data gives byte-identical weights.
 *
 * Model: logistic regression over hashed word unigrams and bigrams of the scanner's normalised,
 * de-obfuscated words (pure expletives hidden), two heads (toxic = hate or offensive; hate),
 * scored as the maximum over sliding windows of WINDOW words (multiple-instance learning: each
 * step updates the highest-scoring window). The benign assistant answers are negatives, weighted
 * up because they are the base rate the detector actually sees.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BITS, BOS, HEADS, MASK, WINDOW, bigramHash } from '../src/detectors/toxicity/model.js';
import { modelWords } from '../src/detectors/toxicity/scanner.js';
import { hashWord } from '../src/detectors/toxicity/lexicon.js';

export const SEED = 20261127;
const EPOCHS = 4;
const LR = 0.1;
const L2 = 1e-6;
const BENIGN_WEIGHT = 16;
/** Flag operating point: the model alone may flag at most this share of calibration benign answers. */
const BENIGN_FLAG_BUDGET = 0.005;

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

/** Deterministic split by hash: toxicity rows 70/10/20 (train/calib/dev), benign 50/20/30 (train/calib/test). */
export function splitOf(key: string, benign: boolean): Split {
  const u = (hashWord(key) % 1000) / 1000;
  if (benign) return u < 0.5 ? 'train' : u < 0.7 ? 'calib' : 'dev';
  return u < 0.7 ? 'train' : u < 0.8 ? 'calib' : 'dev';
}

export function loadRows(dir = dataDir): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(join(dir, 'toxicity/labeled.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as { text: string; label: string; toxic: boolean; source: string; id: string };
    rows.push({ text: o.text, toxic: o.toxic, hate: o.label === 'hate' || o.label === 'hatespeech', source: o.source, benign: false, split: splitOf(o.id, false) });
  }
  for (const f of readdirSync(join(dir, 'benign')).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(join(dir, 'benign', f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as { text: string; source: string };
      rows.push({ text: o.text, toxic: false, hate: false, source: `benign/${f.replace('.jsonl', '')}`, benign: true, split: splitOf(`${f}:${o.text}`, true) });
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

/** Feature buckets per word: [unigram, bigram] for word i at 2i, 2i+1. */
function features(hashes: readonly number[]): Int32Array {
  const f = new Int32Array(hashes.length * 2);
  let prev = BOS;
  for (let i = 0; i < hashes.length; i++) {
    const h = hashes[i] as number;
    f[2 * i] = h & MASK;
    f[2 * i + 1] = bigramHash(prev, h) & MASK;
    prev = h;
  }
  return f;
}

/** Max window sum and the window's [from, to) word range, for weights w (stride HEADS, head k). */
function maxWindow(f: Int32Array, w: Float64Array | Int8Array, k: number): [number, number, number] {
  const n = f.length / 2;
  if (n === 0) return [-Infinity, 0, 0];
  const pref = new Float64Array(n + 1);
  let best = -Infinity;
  let from = 0;
  let to = 0;
  for (let i = 1; i <= n; i++) {
    pref[i] = (pref[i - 1] as number) + (w[(f[2 * i - 2] as number) * HEADS + k] as number) + (w[(f[2 * i - 1] as number) * HEADS + k] as number);
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

function train(docs: { f: Int32Array; y: number[]; weight: number }[]): Trained {
  const w = new Float64Array(HEADS << BITS);
  const g2 = new Float64Array(HEADS << BITS).fill(1e-8);
  const bias = [0, 0];
  const bg2 = [1e-8, 1e-8];
  const rand = mulberry32(SEED);
  const order = docs.map((_, i) => i);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
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
        const g = (p - (d.y[k] as number)) * d.weight;
        bg2[k] = (bg2[k] as number) + g * g;
        bias[k] = (bias[k] as number) - (LR * g) / Math.sqrt(bg2[k] as number);
        for (let t = 2 * from; t < 2 * to; t++) {
          const j = (d.f[t] as number) * HEADS + k;
          const gj = g + L2 * (w[j] as number);
          g2[j] = (g2[j] as number) + gj * gj;
          w[j] = (w[j] as number) - (LR * gj) / Math.sqrt(g2[j] as number);
        }
      }
    }
    process.stderr.write(`epoch ${epoch + 1}/${EPOCHS}\n`);
  }
  return { w, bias };
}

function quantise(w: Float64Array): { q: Int8Array; scale: number[] } {
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
    for (let j = k; j < w.length; j += HEADS) q[j] = Math.max(-127, Math.min(127, Math.round((w[j] as number) / (scale[k] as number))));
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

function main(): void {
  const t0 = Date.now();
  const rows = loadRows();
  const docs = rows.map((r) => ({ r, f: features(modelWords(r.text)) }));
  process.stderr.write(`featurised ${docs.length} rows in ${Date.now() - t0} ms\n`);
  const trainDocs = docs
    .filter((d) => d.r.split === 'train')
    .map((d) => ({ f: d.f, y: [d.r.toxic ? 1 : 0, d.r.hate ? 1 : 0], weight: d.r.benign ? BENIGN_WEIGHT : 1 }));
  const { w, bias } = train(trainDocs);
  const { q, scale } = quantise(w);

  // Calibrate on the calibration split only (never on dev/test): the logit at which the model
  // flags at most BENIGN_FLAG_BUDGET of benign answers maps to score 0.5.
  const logit = (f: Int32Array, k: number): number => {
    const [s] = maxWindow(f, q, k);
    return s === -Infinity ? -Infinity : (bias[k] as number) + s * (scale[k] as number);
  };
  const calib = docs.filter((d) => d.r.split === 'calib');
  const shifts: number[] = [];
  const report: Record<string, unknown> = {};
  for (let k = 0; k < HEADS; k++) {
    const benign = calib.filter((d) => d.r.benign).map((d) => logit(d.f, k));
    const pos = calib.filter((d) => !d.r.benign && (k === 0 ? d.r.toxic : d.r.hate)).map((d) => logit(d.f, k));
    const neg = calib.filter((d) => !d.r.benign && !(k === 0 ? d.r.toxic : d.r.hate)).map((d) => logit(d.f, k));
    // Best in-domain F1 at or above the benign-budget threshold.
    const floor = benignThreshold(benign, BENIGN_FLAG_BUDGET);
    let bestT = floor;
    let bestF1 = -1;
    const cands = [...pos, ...neg].filter((x) => x >= floor).sort((a, b) => a - b);
    for (let i = 0; i < cands.length; i += Math.max(1, Math.floor(cands.length / 400))) {
      const t = cands[i] as number;
      const tp = pos.filter((x) => x >= t).length;
      const fp = neg.filter((x) => x >= t).length;
      const f1 = (2 * tp) / (2 * tp + fp + (pos.length - tp));
      if (f1 > bestF1) {
        bestF1 = f1;
        bestT = t;
      }
    }
    shifts.push(bestT);
    report[k === 0 ? 'toxic' : 'hate'] = { threshold: bestT, calibF1: bestF1, benignFloor: floor };
  }
  const weights = {
    data: toBase64(new Uint8Array(q.buffer)),
    scale,
    bias: bias.map((b, k) => Number((b - (shifts[k] as number)).toPrecision(10))),
    slope: [1, 1],
  };
  const out = `// Generated by scripts/train-toxicity.ts (npm run train:toxicity) — do not edit.
// ${HEADS} heads × 2^${BITS} int8 buckets, seed ${SEED}; see MODEL.md for data, licences and metrics.
export const WEIGHTS = {
  data: '${weights.data}',
  scale: ${JSON.stringify(weights.scale)},
  bias: ${JSON.stringify(weights.bias)},
  slope: ${JSON.stringify(weights.slope)},
} as const satisfies { data: string; scale: readonly number[]; bias: readonly number[]; slope: readonly number[] };
`;
  writeFileSync(join(root, 'src/detectors/toxicity/weights.ts'), out);
  const count = (s: Split): number => docs.filter((d) => d.r.split === s).length;
  process.stdout.write(
    JSON.stringify({ seed: SEED, rows: docs.length, train: count('train'), calib: count('calib'), dev: count('dev'), bytes: q.length, base64: weights.data.length, scale, bias: weights.bias, calibration: report, ms: Date.now() - t0 }, null, 2) + '\n',
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
