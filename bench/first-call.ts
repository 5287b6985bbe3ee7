/**
 * `npm run bench:first-call`: what the first toxicity scan in a process costs, with the model's
 * start-up in `toxicity()` (now) and without it (a bare `scanToxicity`, which starts the model on
 * its first call, as the first guarded call did before). Each sample is a fresh Node process on the
 * package as published (tsup.config.ts, built into node_modules/.cache). Writes the "first-call"
 * section of bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPackage } from '../scripts/build-package.js';
import { machineLine, writeSection } from './results-file.js';

const SAMPLES = 15;
const TEXT = 'Sure! Tomorrow looks sunny in the morning, with light rain after four. Take an umbrella.';
const dir = await buildPackage('bench-first-call');

const probe = `const t0 = performance.now();
const { guard } = await import('./index.js');
const t1 = performance.now();
const { toxicity, scanToxicity } = await import('./toxicity.js');
const t2 = performance.now();
const out = { importRoot: t1 - t0, importToxicity: t2 - t1 };
const input = { text: ${JSON.stringify(TEXT)}, output: '', latencyMs: 1, route: 'primary', breaker: 'b', context: {} };
if (process.argv[2] === 'bare') {
  let t = performance.now();
  scanToxicity(input.text);
  out.firstScan = performance.now() - t;
} else {
  let t = performance.now();
  const detector = toxicity();
  out.create = performance.now() - t;
  t = performance.now();
  detector.detect(input);
  out.firstScan = performance.now() - t;
  t = performance.now();
  detector.detect(input);
  out.secondScan = performance.now() - t;
  let exceeded = 0;
  const chat = guard(async () => input.text, { name: 'chat', detectors: [toxicity()], budgetMs: 5 });
  chat.on('budget-exceeded', () => exceeded++);
  t = performance.now();
  await chat();
  out.firstGuardedCall = performance.now() - t;
  out.budgetExceeded = exceeded;
}
console.log(JSON.stringify(out));`;
writeFileSync(join(dir, 'first-call.mjs'), probe);

type Sample = Record<string, number>;
const run = (mode: string): Sample[] =>
  Array.from(
    { length: SAMPLES },
    () =>
      JSON.parse(execFileSync(process.execPath, [join(dir, 'first-call.mjs'), mode], { encoding: 'utf8' })) as Sample,
  );
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number): string => (x < 1 ? x.toFixed(3) : x.toFixed(1));

const now = run('detector');
const bare = run('bare');
const col = (samples: Sample[], key: string): string =>
  key in (samples[0] ?? {}) ? ms(median(samples.map((s) => s[key] as number))) : '—';
const rows: [string, string][] = [
  ['importRoot', "`import('safety-breaker')`"],
  ['importToxicity', "`import('safety-breaker/toxicity')`"],
  ['create', '`toxicity()`: the start-up (lexicon, weights, JIT warm-up)'],
  ['firstScan', 'first scan of a 90-character answer'],
  ['secondScan', 'second scan'],
  ['firstGuardedCall', 'first guarded call (toxicity, budget 5 ms)'],
];
const exceeded = now.reduce((n, s) => n + (s.budgetExceeded ?? 0), 0);
const markdown = `## First call in a process: the model's start-up (\`npm run bench:first-call\`)

${machineLine()} Median of ${SAMPLES} fresh processes each, in ms.

| step | start-up in \`toxicity()\` (now) | bare \`scanToxicity\` (start-up on first scan) |
|---|---|---|
${rows.map(([key, label]) => `| ${label} | ${col(now, key)} | ${col(bare, key)} |`).join('\n')}

\`budget-exceeded\` events on the first guarded call: ${exceeded} in ${SAMPLES} processes.
`;
process.stdout.write(markdown);
writeSection('first-call', markdown);
