/**
 * `npm run bench:extract`: time of the default text extractor (`extractText`, the walk behind
 * `defaultText`) on outputs of hostile size and shape: a 1,000,000-element array (of strings, and
 * of numbers), an object with 1,000,000 keys, a 10,000-deep object, a cyclic one, and a chat
 * completion for reference. Every case must finish: the walk reads at most TEXT_VALUE_LIMIT values
 * and reports the rest as unread. Fails (exit 1) when a case takes over its limit (LIMIT_MS, or its
 * own for the object with 1,000,000 keys, where V8's `Object.keys` alone takes ≈ 0.35 s), generous
 * bounds that only a return to unbounded work trips. Writes the "extract" section of bench/RESULTS.md.
 */
import { extractText, TEXT_VALUE_LIMIT } from '../src/text/extract.js';
import { machineLine, writeSection } from './results-file.js';

const ROUNDS = 7;
const LIMIT_MS = 250;
const MILLION = 1_000_000;

function nested(depth: number): unknown {
  let out: unknown = 'bottom';
  for (let i = 0; i < depth; i++) out = { d: out, n: i };
  return out;
}

function cyclic(): unknown {
  const nodes = Array.from({ length: 1_000 }, (_, i) => ({ text: `node ${i}`, next: undefined as unknown }));
  nodes.forEach((node, i) => (node.next = nodes[(i + 1) % nodes.length]));
  return { nodes };
}

/** Name, output, and a limit in ms when LIMIT_MS does not fit. */
const cases: [string, () => unknown, number?][] = [
  [
    'chat completion, 1 KB answer (reference: a known shape)',
    () => ({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'a'.repeat(1024) } }],
    }),
  ],
  [
    'unknown shape, 20 fields, 1 KB of strings',
    () => ({ data: Array.from({ length: 20 }, (_, i) => ({ i, s: 'x'.repeat(50) })) }),
  ],
  ['1,000,000-element array of strings', () => ({ items: Array.from({ length: MILLION }, (_, i) => `item ${i}`) })],
  ['1,000,000-element array of numbers', () => ({ embedding: Array.from({ length: MILLION }, (_, i) => i / MILLION) })],
  [
    'object with 1,000,000 keys',
    () => Object.fromEntries(Array.from({ length: MILLION }, (_, i) => [`k${i}`, `v${i}`])),
    // Listing the keys of a dictionary-mode object is V8's own work (≈ 0.35 s here), and no API lists only some.
    1_500,
  ],
  ['10,000-deep object, string at the bottom', () => nested(10_000)],
  ['1,000 objects in a cycle', cyclic],
  ['16 MB Buffer beside a string', () => ({ audio: Buffer.alloc(16 * 1024 * 1024), transcript: 'said' })],
];

/** Median wall time of one extractText() call over ROUNDS calls, in ms, and its result. */
function time(output: unknown): { ms: number; text: number; unread: number } {
  const runs: number[] = [];
  let last = extractText(output); // warm-up
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    last = extractText(output);
    runs.push(performance.now() - start);
  }
  return { ms: runs.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!, text: last.text.length, unread: last.unread };
}

const rows: string[] = [];
const failures: string[] = [];
for (const [name, make, limit = LIMIT_MS] of cases) {
  const { ms, text, unread } = time(make());
  rows.push(
    `| ${name} | ${ms < 0.1 ? ms.toFixed(4) : ms.toFixed(2)} | ${text.toLocaleString('en')} | ${unread.toLocaleString('en')} |`,
  );
  process.stdout.write(`${rows[rows.length - 1]}\n`);
  if (ms > limit) failures.push(`${name}: ${ms.toFixed(0)} ms (limit ${limit} ms)`);
}

writeSection(
  'extract',
  `## Default text extractor on large and deep outputs (\`npm run bench:extract\`)

${machineLine()}

Median of ${ROUNDS} calls of \`extractText(output)\` (building the output is not timed). The walk of
an unknown shape reads at most ${TEXT_VALUE_LIMIT.toLocaleString('en')} values at any depth and
reports what it left as "unread" (strings, objects and arrays; numbers do not count), which a guard
turns into a \`text\` signal and a warning logged once (docs/detectors.md). The remaining cost past
the limit is counting what is left (a type check per remaining value) and, for an object, listing
its keys: \`Object.keys\` of a 1,000,000-key object takes ≈ 0.35 s in V8 by itself, and no API lists
only the first keys. Before this walk, the extractor recursed to depth 8 only (a string at depth 9
was never scanned) and read every value of a large output: on this machine 77 ms and 11.9 MB of text
for the 1,000,000 strings, 920 ms for the 1,000,000 keys. The bench fails above ${LIMIT_MS} ms for a
case (1,500 ms for the 1,000,000 keys).

| output | ms | text read (chars) | unread |
|---|---:|---:|---:|
${rows.join('\n')}`,
);

if (failures.length > 0) {
  process.stderr.write(`bench:extract: too slow\n  ${failures.join('\n  ')}\n`);
  process.exit(1);
}
