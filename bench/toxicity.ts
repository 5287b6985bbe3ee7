/**
 * Toxicity: accuracy and speed of `toxicity()` against the npm lexicons, in one run.
 *
 *   npm run bench:toxicity          # writes the `toxicity` section of bench/RESULTS.md
 *   npm run eval:toxicity           # this, then the leave-one-source-out run (bench/toxicity-loso.ts)
 *
 * Accuracy: the dev split of ../shared/data/toxicity (never used for training or thresholds),
 * per source the shipped model was trained on (in-distribution; bench/toxicity-loso.ts measures
 * sources left out of training); the held-out benign assistant answers of ../shared/data/benign;
 * the curated challenge set in test/toxicity/challenge.ts. Speed: median µs of CPU time per KB on 1 KB and 16 KB
 * documents of two corpora, plain prose (held-out short benign answers) and realistic assistant answers
 * (bench/realistic-answers.ts), and 10 MB vs 100 KB for linearity.
 */
import { loadavg } from 'node:os';
import { loadRows, type Row } from '../scripts/train-toxicity.js';
import { scanToxicity } from '../src/detectors/toxicity/index.js';
import { CHALLENGE } from '../test/toxicity/challenge.js';
import { seededRandom } from '../src/random.js';
import { machineLine, writeSection } from './results-file.js';
import { ANSWER_FILES, PER_FEATURE, realisticAnswers } from './realistic-answers.js';
import {
  type Candidate,
  counts,
  f3,
  lexicons,
  metrics,
  ours,
  oursOffensive,
  pct,
  tally,
} from './toxicity-candidates.js';

const quick = process.argv.includes('--quick');

// ---- accuracy -------------------------------------------------------------------------------

function auc(scores: number[], labels: boolean[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let rank = 0;
  let sumPos = 0;
  let nPos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
    const avg = (rank + 1 + rank + (j - i + 1)) / 2;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k] as number]) {
        sumPos += avg;
        nPos++;
      }
    }
    rank += j - i + 1;
    i = j + 1;
  }
  const nNeg = idx.length - nPos;
  return (sumPos - (nPos * (nPos + 1)) / 2) / Math.max(1, nPos * nNeg);
}

// ---- speed ----------------------------------------------------------------------------------

function makeDocs(texts: readonly string[], size: number, count: number): string[] {
  const docs: string[] = [];
  let i = 0;
  for (let d = 0; d < count; d++) {
    let s = '';
    while (s.length < size) s += (s ? '\n\n' : '') + texts[i++ % texts.length];
    docs.push(s.slice(0, size));
  }
  return docs;
}

/**
 * [median, best] µs per KB for each candidate. Rounds are interleaved (every candidate once per
 * round) so load from other processes falls on all of them alike; the best round shows the cost
 * with the least interference.
 */
function usPerKb(
  cands: readonly Candidate[],
  docs: readonly string[],
  rounds: number,
  budgetMs: (c: Candidate) => number,
): [number, number][] {
  const kb = (docs[0]?.length ?? 1024) / 1024;
  for (const c of cands) {
    // Warm-up: let the JIT settle before measuring (≥ 300 ms or 2,000 calls).
    const w0 = Date.now();
    for (let k = 0; k < 2000 && Date.now() - w0 < 300; k++) c.run(docs[k % docs.length] as string);
  }
  const samples: number[][] = cands.map(() => []);
  const order = cands.map((_, i) => i);
  // Where each candidate is in `docs`: it goes on from there next round, so over the rounds every
  // candidate sees every document, however few calls its budget allows per round.
  const next = cands.map(() => 0);
  const rand = seededRandom(20261127);
  for (let r = 0; r < rounds; r++) {
    // A different order each round (seeded shuffle), so no candidate always runs right after the same
    // other one and pays for its garbage: a fixed cyclic order put toxicity() right after
    // leo-profanity in every round (≈ 1 µs per KB more than scanToxicity(), which ran after it).
    shuffle(order, rand);
    order.forEach((ci) => {
      const c = cands[ci] as Candidate;
      let calls = 0;
      const budget = budgetMs(c) * 1e6;
      const t0 = cpuNs();
      let elapsed = 0;
      do {
        c.run(docs[((next[ci] as number) + calls) % docs.length] as string);
        calls++;
        if ((calls & 7) === 0 || calls < 8) elapsed = cpuNs() - t0;
      } while (elapsed < budget || calls < 3);
      elapsed = cpuNs() - t0;
      next[ci] = ((next[ci] as number) + calls) % docs.length;
      (samples[ci] as number[]).push(elapsed / 1000 / calls / kb);
    });
  }
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    return [s[Math.floor(s.length / 2)] as number, s[0] as number];
  });
}

function shuffle(a: number[], rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j] as number, a[i] as number];
  }
}

/**
 * CPU time of this process in ns. Not wall time: the machine is shared, and time this process waits
 * while others run would count against whichever candidate was running (measured on 2026-12-06, load average
 * 8–14 on 2 cores: wall-time ratios to @2toad of the same code differed by up to 1.5× between runs,
 * CPU-time ratios by under 10 %).
 */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** CPU time of one call, in ms. */
function timeOnce(f: () => void): number {
  const t0 = cpuNs();
  f();
  return (cpuNs() - t0) / 1e6;
}

// ---- run ------------------------------------------------------------------------------------

function main(): void {
  const started = Date.now();
  const rows = loadRows();
  const dev = rows.filter((r) => r.split === 'dev' && !r.benign);
  const benign = rows.filter((r) => r.split === 'dev' && r.benign);
  const sources = [...new Set(dev.map((r) => r.source))].sort();
  const out: string[] = [];
  const line = (s = ''): void => {
    out.push(s);
    process.stdout.write(s + '\n');
  };

  line('## Toxicity: accuracy and speed vs npm lexicons');
  line();
  line('Written by `npm run eval:toxicity` (bench/toxicity.ts).');
  line(machineLine());
  line();
  line(
    `Data: dev split of ../shared/data/toxicity (${dev.length} rows; never used for training or thresholds) and held-out benign answers (${benign.length} rows). See src/detectors/toxicity/MODEL.md for the split.`,
  );
  line();

  // Dev split per source.
  line('### Dev split, per source (label: hate or offensive = toxic)');
  line();
  line('| detector | source | precision | recall | F1 | macro-F1 |');
  line('|---|---|---|---|---|---|');
  const macro: Record<string, Record<string, number>> = {};
  for (const c of [oursOffensive, ours, ...lexicons]) {
    for (const src of sources) {
      const m = metrics(
        counts(
          dev.filter((r) => r.source === src),
          c.flag,
          (r) => r.toxic,
        ),
      );
      (macro[c.name] ??= {})[src] = m.macro;
      line(`| ${c.name} | ${src} | ${f3(m.p)} | ${f3(m.r)} | ${f3(m.f1)} | ${f3(m.macro)} |`);
    }
  }
  line();
  for (const src of sources) {
    const best = Math.max(...lexicons.map((l) => macro[l.name]?.[src] ?? 0));
    const mine = macro[oursOffensive.name]?.[src] ?? 0;
    line(
      `- ${src}: macro-F1 ${f3(mine)} vs best lexicon ${f3(best)} (${mine - best >= 0 ? '+' : ''}${f3(mine - best)}).`,
    );
  }
  line();

  // Per category on dev.
  line('### Per category on the dev split (ours)');
  line();
  line('| category | label | AUC | precision | recall | F1 at the default flag threshold |');
  line('|---|---|---|---|---|---|');
  const scans = dev.map((r) => scanToxicity(r.text).scores);
  for (const src of [...sources, 'all']) {
    const idx = dev.map((r, i) => (src === 'all' || r.source === src ? i : -1)).filter((i) => i >= 0);
    for (const [cat, label, name] of [
      ['toxicity', (r: Row) => r.toxic, 'toxic'],
      ['identity_attack', (r: Row) => r.hate, 'hate'],
    ] as const) {
      const sc = idx.map((i) => (scans[i] as Record<string, number>)[cat] as number);
      const lb = idx.map((i) => label(dev[i] as Row));
      const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
      sc.forEach((s, k) => tally(c, s >= 0.5, lb[k] as boolean));
      const m = metrics(c);
      line(`| ${cat} (${src}) | ${name} | ${f3(auc(sc, lb))} | ${f3(m.p)} | ${f3(m.r)} | ${f3(m.f1)} |`);
    }
  }
  line();
  line('`insult`, `profanity` and `threat` have no labels in the data: see the challenge set below.');
  line();

  // Benign.
  line('### Held-out benign assistant answers: false flags');
  line();
  const bsrc = [...new Set(benign.map((r) => r.source))].sort();
  line(
    `| detector | all (${benign.length}) | ${bsrc.map((s) => `${s} (${benign.filter((r) => r.source === s).length})`).join(' | ')} |`,
  );
  line(`|---|---|${bsrc.map(() => '---').join('|')}|`);
  const rate = (rs: readonly Row[], f: (t: string) => boolean): string =>
    `${pct(rs.filter((r) => f(r.text)).length / Math.max(1, rs.length))} (${rs.filter((r) => f(r.text)).length})`;
  const benignRow = (name: string, f: (t: string) => boolean): void =>
    line(
      `| ${name} | ${rate(benign, f)} | ${bsrc
        .map((s) =>
          rate(
            benign.filter((r) => r.source === s),
            f,
          ),
        )
        .join(' | ')} |`,
    );
  benignRow('ours: flagged (default flag)', ours.flag);
  benignRow('ours: blocked (default block)', ours.block as (t: string) => boolean);
  benignRow('ours: flagged or profanity ≥ 0.5', oursOffensive.flag);
  for (const l of lexicons) benignRow(l.name, l.flag);
  line();

  // Challenge set.
  line('### Challenge set (test/toxicity/challenge.ts)');
  line();
  const groups = [...new Set(CHALLENGE.map((c) => c.group))];
  line(
    `| detector | correct | ${groups.map((g) => `${g} (${CHALLENGE.filter((c) => c.group === g).length})`).join(' | ')} |`,
  );
  line(`|---|---|${groups.map(() => '---').join('|')}|`);
  for (const c of [ours, ...lexicons]) {
    const ok = (x: (typeof CHALLENGE)[number]): boolean => c.flag(x.text) === x.flag;
    const total = CHALLENGE.filter(ok).length;
    line(
      `| ${c.name} | ${total}/${CHALLENGE.length} | ${groups.map((g) => `${CHALLENGE.filter((x) => x.group === g && ok(x)).length}`).join(' | ')} |`,
    );
  }
  line();

  // Speed, on two corpora: plain prose (the held-out answers of the four short-answer files the
  // model was calibrated on, the corpus of the earlier published figures) and realistic assistant
  // answers (markdown, lists, code, tables, maths, URLs, Japanese; bench/realistic-answers.ts).
  line('### Speed (median µs of CPU time per KB; lower is better)');
  line();
  const plainFiles = new Set(['gsm8k', 'truthfulqa', 'self_instruct', 'pubmedqa'].map((f) => `benign/${f}`));
  const texts = benign.filter((r) => plainFiles.has(r.source)).map((r) => r.text);
  const real = realisticAnswers();
  const realChars = real.texts.reduce((n, t) => n + t.length, 0);
  const rounds = quick ? 5 : 11;
  const scanOnly: Candidate = {
    name: 'scanToxicity() (no detector wrapper)',
    flag: () => false,
    run: (t) => scanToxicity(t),
  };
  // Two interleaved groups: the slow, allocation-heavy lexicons would otherwise leave garbage
  // collection work to whichever candidate runs after them.
  const slow = new Set(['obscenity', 'bad-words']);
  const fastGroup = [ours, scanOnly, ...lexicons.filter((l) => !slow.has(l.name))];
  const slowGroup = lexicons.filter((l) => slow.has(l.name));
  const cands = [...fastGroup, ...slowGroup];
  const budget = (c: Candidate): number => (slow.has(c.name) ? 40 : 5);
  const toad = cands.findIndex((c) => c.name === '@2toad/profanity');
  const corpora = [
    {
      name: 'plain prose',
      about: `${texts.length} held-out answers of gsm8k, truthfulqa, self_instruct and pubmedqa (short, almost no markdown): 64 documents of 1 KB, 8 of 16 KB`,
      d1: makeDocs(texts, 1024, 64),
      d16: makeDocs(texts.slice().reverse(), 16 * 1024, 8),
    },
    {
      name: 'realistic answers',
      about: `${real.texts.length} answers, ${(realChars / 1024).toFixed(0)} KB: ${real.fromData} long LLM answers from ../shared/data/benign (${ANSWER_FILES.join(', ')}; up to ${PER_FEATURE} per feature, seeded) and ${real.own} written for the project (bench/realistic-answers.ts); with each feature: ${Object.entries(
        real.featureCounts,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}. One 1 KB document per answer (short answers run on into the next), 16 KB documents covering the corpus once`,
      d1: makeDocs(real.texts, 1024, real.texts.length),
      d16: makeDocs(real.texts.slice().reverse(), 16 * 1024, Math.ceil(realChars / (16 * 1024))),
    },
  ];
  const headline: string[] = [];
  for (const corpus of corpora) {
    line(`#### ${corpus.name}`);
    line();
    line(`${corpus.about}. KB = 1,024 characters (UTF-16 code units, as \`text.length\` counts).`);
    line();
    line(
      '| detector | 1 KB median | 16 KB median | ratio to ours (1 KB) | ratio to ours (16 KB) | 1 KB best round | 16 KB best round |',
    );
    line('|---|---|---|---|---|---|---|');
    const s1 = [...usPerKb(fastGroup, corpus.d1, rounds * 3, budget), ...usPerKb(slowGroup, corpus.d1, rounds, budget)];
    const s16 = [
      ...usPerKb(fastGroup, corpus.d16, rounds * 3, budget),
      ...usPerKb(slowGroup, corpus.d16, rounds, budget),
    ];
    const speed = cands.map((c, i) => [c.name, s1[i], s16[i]] as [string, [number, number], [number, number]]);
    const [, [o1], [o16]] = speed[0] as [string, [number, number], [number, number]];
    for (const [name, [a, am], [b, bm]] of speed)
      line(
        `| ${name} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(a / o1).toFixed(2)}× | ${(b / o16).toFixed(2)}× | ${am.toFixed(2)} | ${bm.toFixed(2)} |`,
      );
    line();
    const [, [t1], [t16]] = speed[toad] as [string, [number, number], [number, number]];
    headline.push(
      `- ${corpus.name}: toxicity() ${o1.toFixed(2)} µs per KB vs @2toad/profanity ${t1.toFixed(2)} on 1 KB documents (**${(o1 / t1).toFixed(2)}×**), ${o16.toFixed(2)} vs ${t16.toFixed(2)} on 16 KB (**${(o16 / t16).toFixed(2)}×**).`,
    );
  }
  line('Ours / @2toad/profanity, median µs per KB, same run (issue 14 asks for at most 1.5× on realistic answers):');
  line();
  for (const h of headline) line(h);
  line();
  line(
    `Load average during the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}.`,
  );
  line();

  // Linearity and hostile input.
  line('### Linearity and hostile input (ours, one call each)');
  line();
  // Flat strings (as JSON.parse gives). The 100 KB texts are the 10 MB text cut in 100 pieces, so both
  // sizes scan the same bytes from the same cache state (a few pieces reused would stay cache-warm).
  const flat = (x: string): string => Buffer.from(x, 'utf8').toString('utf8');
  const big = flat(makeDocs(texts, 10 * 2 ** 20, 1)[0] as string);
  const piece = Math.floor(big.length / 100);
  const slices = Array.from({ length: 100 }, (_, k) => flat(big.slice(k * piece, (k + 1) * piece)));
  scanToxicity(slices[0] as string);
  // Interleaved, so a change in load from other processes hits both sizes alike. Per round: the 10 MB
  // call, and the mean of the 100 pieces (same bytes); best and median over the rounds.
  const per: number[] = [];
  const whole: number[] = [];
  const linRounds = quick ? 3 : 7;
  for (let r = 0; r < linRounds; r++) {
    whole.push(timeOnce(() => scanToxicity(big)));
    let sum = 0;
    for (const x of slices) sum += timeOnce(() => scanToxicity(x));
    per.push(sum / slices.length);
  }
  per.sort((a, b) => a - b);
  whole.sort((a, b) => a - b);
  const t100k = per[0] as number;
  const t10m = whole[0] as number;
  const m100k = per[Math.floor(per.length / 2)] as number;
  const m10m = whole[Math.floor(whole.length / 2)] as number;
  line(`| input | best round, ms | median round, ms |`);
  line('|---|---|---|');
  line(
    `| 100 KB benign (mean of the 10 MB text's 100 pieces; ${linRounds} rounds) | ${t100k.toFixed(2)} | ${m100k.toFixed(2)} |`,
  );
  line(
    `| 10 MB benign (the same text at once) | ${t10m.toFixed(1)} (${(t10m / t100k).toFixed(0)}× the 100 KB time) | ${m10m.toFixed(1)} (${(m10m / m100k).toFixed(0)}×) |`,
  );
  const hostile: [string, string][] = [
    ['10 MB of combining marks', 'a' + '\u0301'.repeat(10 * 2 ** 20)],
    ['10 MB of zero-width spaces', '\u200b'.repeat(10 * 2 ** 20)],
    ['10 MB of lone surrogates', '\ud800x'.repeat(5 * 2 ** 20)],
    ['10 MB of emoji', '😀'.repeat(5 * 2 ** 20)],
    ['10 MB of "f u c k "', 'f u c k '.repeat(1.25 * 2 ** 20)],
    ['10 MB of RTL Arabic', 'مرحبا بالعالم '.repeat(0.75 * 2 ** 20)],
    ['10 MB of one word', 'a'.repeat(10 * 2 ** 20)],
  ];
  for (const [name, s] of hostile) line(`| ${name} | ${timeOnce(() => scanToxicity(s)).toFixed(1)} | |`);
  line();
  line(`Total bench time: ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  writeSection('toxicity', out.join('\n'));
}

main();
