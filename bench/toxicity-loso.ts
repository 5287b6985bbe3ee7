/**
 * Toxicity: leave one source out. For every labelled source in ../shared/data/toxicity, the model
 * is trained and calibrated (in memory, same features and procedure as `npm run train:toxicity`)
 * on all the other sources and the benign answers, and scored on every row of the source it never
 * saw, next to the npm lexicons on the same rows. Each fold is trained with several shuffle seeds
 * (SEED, SEED+1, …): the seed alone moves a source's score by up to ~0.05, so the table reports the
 * mean over the seeds and their standard deviation. Also: the shipped model's flag and block rates
 * on each benign answer file.
 *
 *   npm run eval:toxicity:loso                 # 4 seeds; writes the `toxicity-loso` section of bench/RESULTS.md
 *   npm run eval:toxicity:loso -- --seeds 1    # quick: the shipped seed only
 *   (npm run eval:toxicity runs it after bench/toxicity.ts)
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type Doc,
  type Row,
  type TrainedModel,
  DEFAULTS,
  SEED,
  featurise,
  loadRows,
  trainModel,
} from '../scripts/train-toxicity.js';
import { loadModel } from '../src/detectors/toxicity/model.js';
import { machineLine, writeSection } from './results-file.js';
import {
  type Counts,
  type Candidate,
  f3,
  lexicons,
  metrics,
  ours,
  oursOffensive,
  pct,
  tally,
} from './toxicity-candidates.js';
import { type Verdict, type Weights, losoFold, losoSources, verdict } from './loso.js';

/** The lexicons issue 14 compares against, @2toad/profanity first (the bar). */
const PEERS = ['@2toad/profanity', 'obscenity', 'leo-profanity'].map(
  (n) => lexicons.find((l) => l.name === n) as Candidate,
);
/** The sources the shipped weights were trained on (MODEL.md): all of them since the retrain of issue 14. */
const SHIPPED_TRAINED_ON = new Set([
  'convabuse2021',
  'davidson2017',
  'edos2023',
  'foxnews2017',
  'hatemojibuild2022',
  'hatexplain2021',
  'mlma2019',
  'stormfront2018',
]);
/** Issue 14's bar: ours at least @2toad's score + this on every source. */
const MARGIN = 0.05;

const empty = (): Counts => ({ tp: 0, fp: 0, fn: 0, tn: 0 });

/** Macro-F1 for a source with both classes; otherwise the share of its one class labelled right (recall for an all-toxic source). */
function score(c: Counts, twoClass: boolean): number {
  if (twoClass) return metrics(c).macro;
  return (c.tp + c.tn) / Math.max(1, c.tp + c.tn + c.fp + c.fn);
}

function countsOf(docs: readonly Doc[], pred: (d: Doc) => boolean): Counts {
  const c = empty();
  for (const d of docs) tally(c, pred(d), d.r.toxic);
  return c;
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${f3(Math.abs(x))}`;

const avg = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
/** Mean ± sample standard deviation over the seeds (the mean alone for one seed). */
function meanSd(xs: readonly number[]): string {
  if (xs.length < 2) return f3(avg(xs));
  const m = avg(xs);
  return `${f3(m)} ± ${f3(Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)))}`;
}

/** `--seeds N`: how many training seeds per fold (default 4). */
function seedCount(): number {
  const { values } = parseArgs({ options: { seeds: { type: 'string', default: '4' } } });
  const n = Number(values.seeds);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--seeds must be a positive integer, got "${values.seeds}"`);
  return n;
}

function main(): void {
  const seeds = Array.from({ length: seedCount() }, (_, i) => SEED + i);
  const started = Date.now();
  const out: string[] = [];
  const line = (s = ''): void => {
    out.push(s);
    process.stdout.write(s + '\n');
  };
  const rows = loadRows();
  const docs = featurise(rows);
  const labelled = docs.filter((d) => !d.r.benign);
  const sources = losoSources(rows);
  process.stderr.write(`featurised ${docs.length} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  // The shipped weights through the same verdict as the folds: checks that `verdict` is the detector's.
  const m = loadModel();
  const shipped: Weights = { table: m.table, check: m.check, scale: m.scale, bias: m.bias };
  const shippedVerdicts = new Map<Doc, Verdict>();
  let agreeFlag = 0;
  let agreeOffensive = 0;
  for (const d of labelled) {
    const v = verdict(shipped, d);
    shippedVerdicts.set(d, v);
    if (v.flagged === ours.flag(d.r.text)) agreeFlag++;
    if (v.offensive === oursOffensive.flag(d.r.text)) agreeOffensive++;
  }
  // The lexicons' verdicts, once per row.
  const peerFlags = new Map<string, Map<Doc, boolean>>();
  for (const p of PEERS) peerFlags.set(p.name, new Map(labelled.map((d) => [d, p.flag(d.r.text)])));

  interface Result {
    source: string;
    rows: number;
    toxic: number;
    twoClass: boolean;
    /** Per seed, the [defaults, profanity flagged] scores of the fold's model. */
    fold: [number, number][];
    shipped: [number, number];
    peers: number[];
    trainRows: number;
    calibRows: number;
    thresholds: number[];
    floors: number[];
    seconds: number;
  }
  const results: Result[] = [];
  for (const source of sources) {
    const t0 = Date.now();
    const fold = losoFold(source);
    const test = labelled.filter((d) => fold.test(d.r));
    const toxic = test.filter((d) => d.r.toxic).length;
    const twoClass = toxic > 0 && toxic < test.length;
    /** [defaults, profanity flagged] scores of a model's verdicts on the left-out rows. */
    const both = (of: (d: Doc) => Verdict): [number, number] => [
      score(
        countsOf(test, (d) => of(d).flagged),
        twoClass,
      ),
      score(
        countsOf(test, (d) => of(d).offensive),
        twoClass,
      ),
    ];
    const models = seeds.map((seed) => trainModel(docs, { include: fold.include, options: { ...DEFAULTS, seed } }));
    const inFold = docs.filter((d) => fold.include(d.r));
    results.push({
      source,
      rows: test.length,
      toxic,
      twoClass,
      fold: models.map((model) => {
        const w: Weights = { table: model.q, check: model.check, scale: model.scale, bias: model.bias };
        const foldVerdicts = new Map(test.map((d) => [d, verdict(w, d)]));
        return both((d) => foldVerdicts.get(d) as Verdict);
      }),
      shipped: both((d) => shippedVerdicts.get(d) as Verdict),
      peers: PEERS.map((p) => {
        const f = peerFlags.get(p.name) as Map<Doc, boolean>;
        return score(
          countsOf(test, (d) => f.get(d) === true),
          twoClass,
        );
      }),
      trainRows: inFold.filter((d) => d.r.split === 'train').length,
      calibRows: inFold.filter((d) => d.r.split === 'calib').length,
      thresholds: (models[0] as TrainedModel).report.thresholds,
      floors: (models[0] as TrainedModel).report.floors,
      seconds: (Date.now() - t0) / 1000,
    });
    process.stderr.write(`fold ${source}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }

  line('## Toxicity: leave one source out');
  line();
  line(
    'Written by `npm run eval:toxicity:loso` (bench/toxicity-loso.ts; `npm run eval:toxicity` runs it after bench/toxicity.ts).',
  );
  line(machineLine());
  line();
  line(
    `For each labelled source of ../shared/data/toxicity (${labelled.length} rows, ${sources.length} sources), a model is trained and calibrated in memory with the features and procedure of \`npm run train:toxicity\` (scripts/train-toxicity.ts \`trainModel\`: train split to train, calib split for the thresholds) on the other ${sources.length - 1} sources and all benign answer files, then scored on **every row** (all splits) of the source it never saw, next to the npm lexicons on the same rows. No subsampling. Label: the data's \`toxic\` (README mapping); hatemojibuild2022, foxnews2017 and stormfront2018 label hate only, so their non-toxic rows include profanity, which "profanity flagged" and the lexicons count as toxic. edos2023 has toxic (sexist) rows only: its score is the recall (share flagged). The shipped weights column is the model in src/detectors/toxicity/weights.ts on the same rows; † marks the sources it was trained on (there it is not out-of-source).`,
  );
  line();
  line(
    seeds.length > 1
      ? `Every fold is trained ${seeds.length} times, with the shuffle seeds ${seeds.join(', ')} (\`TrainOptions.seed\`; the shipped weights use ${SEED}): "ours" is the mean over the seeds ± the sample standard deviation across them (the seed alone, same data), for the mean row the standard deviation of the per-seed means. "ours − @2toad" and the bar are judged on the mean.`
      : `Every fold is trained once, with the shipped seed ${SEED} (\`--seeds 1\`): no ± (run with more seeds to see how much the seed alone moves a score).`,
  );
  line();
  line('### Per left-out source (macro-F1; recall for a one-class source)');
  line();
  line(
    `| left-out source | rows (toxic) | ours, defaults | ours, profanity flagged | ${PEERS.map((p) => p.name).join(' | ')} | ours − @2toad (defaults / profanity flagged) | ≥ @2toad + ${MARGIN} | shipped weights (defaults / profanity flagged) |`,
  );
  line(`|---|---|---|---|${PEERS.map(() => '---').join('|')}|---|---|---|`);
  /** A fold's scores over the seeds: k = 0 defaults, 1 profanity flagged. */
  const perSeed = (r: Result, k: 0 | 1): number[] => r.fold.map((s) => s[k]);
  for (const r of results) {
    const toad = r.peers[0] as number;
    const [d, p] = [avg(perSeed(r, 0)), avg(perSeed(r, 1))];
    const pass = (x: number): string => (x >= toad + MARGIN ? 'yes' : 'no');
    line(
      `| ${r.source}${r.twoClass ? '' : ' (recall)'} | ${r.rows} (${r.toxic}) | ${meanSd(perSeed(r, 0))} | ${meanSd(perSeed(r, 1))} | ${r.peers.map(f3).join(' | ')} | ${signed(d - toad)} / ${signed(p - toad)} | ${pass(d)} / ${pass(p)} | ${f3(r.shipped[0])} / ${f3(r.shipped[1])}${SHIPPED_TRAINED_ON.has(r.source) ? ' †' : ''} |`,
    );
  }
  const two = results.filter((r) => r.twoClass);
  /** Per seed, the mean over the two-class sources. */
  const seedMeans = (k: 0 | 1): number[] =>
    seeds.map((_, i) => avg(two.map((r) => (r.fold[i] as [number, number])[k])));
  line(
    `| mean of the ${two.length} two-class sources | | ${meanSd(seedMeans(0))} | ${meanSd(seedMeans(1))} | ${PEERS.map((_, i) => f3(avg(two.map((r) => r.peers[i] as number)))).join(' | ')} | | | |`,
  );
  line();
  line(
    `The shipped weights' verdicts here come from the same formula as the folds' (bench/loso.ts \`verdict\`); they agree with \`toxicity().detect()\` on ${agreeFlag} of ${labelled.length} labelled rows (defaults) and ${agreeOffensive} of ${labelled.length} (profanity flagged).`,
  );
  line();
  line('### Folds');
  line();
  line(
    `| left-out source | training rows (train split, incl. benign) | calibration rows | toxic head: threshold (benign floor), logit, seed ${SEED} | hate head: threshold (floor), seed ${SEED} | seconds (${seeds.length} seed${seeds.length > 1 ? 's' : ''}) |`,
  );
  line('|---|---|---|---|---|---|');
  for (const r of results)
    line(
      `| ${r.source} | ${r.trainRows} | ${r.calibRows} | ${(r.thresholds[0] as number).toFixed(2)} (${(r.floors[0] as number).toFixed(2)}) | ${(r.thresholds[1] as number).toFixed(2)} (${(r.floors[1] as number).toFixed(2)}) | ${r.seconds.toFixed(1)} |`,
    );
  line();

  // Benign answers per file, shipped model.
  line('### Benign answers per file: shipped model, default thresholds');
  line();
  line(
    'All rows of each file, and its held-out half (50 % by hash; never used for training or thresholds by `npm run train:toxicity`). @2toad/profanity for scale.',
  );
  line();
  line('| file | rows | flagged | blocked | held-out rows | flagged | blocked | @2toad/profanity flags (all rows) |');
  line('|---|---|---|---|---|---|---|---|');
  const benign = rows.filter((r) => r.benign);
  const files = [...new Set(benign.map((r) => r.source))].sort();
  const rate = (rs: readonly Row[], f: (t: string) => boolean): string => {
    const n = rs.filter((r) => f(r.text)).length;
    return `${pct(n / Math.max(1, rs.length))} (${n})`;
  };
  const toad = PEERS[0] as Candidate;
  const block = ours.block as (t: string) => boolean;
  for (const file of files) {
    const all = benign.filter((r) => r.source === file);
    const held = all.filter((r) => r.split === 'dev');
    line(
      `| ${file.replace('benign/', '')} | ${all.length} | ${rate(all, ours.flag)} | ${rate(all, block)} | ${held.length} | ${rate(held, ours.flag)} | ${rate(held, block)} | ${rate(all, toad.flag)} |`,
    );
  }
  line();
  line(
    `Total run time: ${((Date.now() - started) / 1000).toFixed(1)} s (load average at the end ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}).`,
  );
  writeSection('toxicity-loso', out.join('\n'));
}

main();
