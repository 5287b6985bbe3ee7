/**
 * `npm run bench:redact`: time of redact() on 1 MB of each hostile input (test/telemetry/hostile-text.ts)
 * and of benign text, and the cost per byte at 1 MB over the cost per byte at 64 KB: about 1 when
 * redact() is linear, about 16 when it is quadratic. Fails (exit 1) when any input takes over
 * LIMIT_MS for 1 MB or its ratio is over MAX_RATIO — generous bounds, so only a return to
 * super-linear time trips them. Writes the "redact" section of bench/RESULTS.md.
 */
import { redact } from '../src/telemetry/redact.js';
import { HOSTILE_UNITS, hostileText } from '../test/telemetry/hostile-text.js';
import { machineLine, writeSection } from './results-file.js';
import { benignText } from './texts.js';

const MB = 1024 * 1024;
const SMALL = 64 * 1024;
const ROUNDS = 5;
const LIMIT_MS = 1000;
const MAX_RATIO = 4;

/** Median wall time of one redact() call over ROUNDS calls, in ms. */
function time(text: string): number {
  const runs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    redact(text);
    runs.push(performance.now() - start);
  }
  return runs.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const inputs: [string, (length: number) => string][] = [
  ...Object.entries(HOSTILE_UNITS).map(([name, unit]): [string, (length: number) => string] => [
    `run of ${name} (${JSON.stringify(unit)})`,
    (length) => hostileText(unit, length),
  ]),
  ['benign assistant text', benignText],
];

redact(benignText(SMALL)); // compile the patterns outside the timings
const rows: string[] = [];
const failures: string[] = [];
for (const [name, make] of inputs) {
  const msMb = time(make(MB));
  const ratio = msMb / MB / (time(make(SMALL)) / SMALL);
  rows.push(`| ${name} | ${msMb.toFixed(1)} | ${(1000 / msMb).toFixed(0)} | ${ratio.toFixed(2)} |`);
  process.stdout.write(`${rows[rows.length - 1]}\n`);
  if (msMb > LIMIT_MS) failures.push(`${name}: ${msMb.toFixed(0)} ms for 1 MB (limit ${LIMIT_MS} ms)`);
  if (ratio > MAX_RATIO)
    failures.push(`${name}: per-byte cost ×${ratio.toFixed(1)} from 64 KB to 1 MB (limit ×${MAX_RATIO})`);
}

writeSection(
  'redact',
  `## redact() on hostile input (\`npm run bench:redact\`)

${machineLine()}

Median of ${ROUNDS} calls. "ratio" is the cost per byte at 1 MB over the cost per byte at 64 KB:
about 1 for a linear redactor, about 16 for a quadratic one (before the fix, 40 KB of letters took
1.4 s, so 1 MB would have taken about 15 minutes). The bench fails above ${LIMIT_MS} ms per MB or a
ratio of ${MAX_RATIO}.

| input (1 MB) | ms | MB/s | ratio |
|---|---:|---:|---:|
${rows.join('\n')}`,
);

if (failures.length > 0) {
  process.stderr.write(`bench:redact: not linear\n  ${failures.join('\n  ')}\n`);
  process.exit(1);
}
