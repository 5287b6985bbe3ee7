/**
 * `npm run bench`: ns per call of guard() against a direct call, opossum 9 and cockatiel 3, all
 * in one run, plus heap growth after 1,000,000 guarded calls. Prints a table and writes the
 * "guard" section of bench/RESULTS.md (bench/results-file.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { guard as guardFromSource } from '../src/index.js';
import { buildForBench } from './build.js';
import { measure, type Case, type CaseResult } from './measure.js';
import { writeSection } from './results-file.js';
import { benchDetectors } from './subjects.js';
import { benignText } from './texts.js';

const here = dirname(fileURLToPath(import.meta.url));
const built = await buildForBench(join(here, '..'));
const { guard } = built.index;
const ROUNDS = 9;
const HEAP_CALLS = 1_000_000;

const KB1 = benignText(1024);
const KB16 = benignText(16 * 1024);
const model1k = async (): Promise<string> => KB1;
const model16k = async (): Promise<string> => KB16;

const opossumDefaults = new CircuitBreaker(model1k);
const opossumNoTimeout = new CircuitBreaker(model1k, { timeout: false });
const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
const guardBare = guard(model1k, { name: 'bench-bare', detectors: [] });
const guardTsx = guardFromSource(model1k, { name: 'bench-tsx', detectors: [] });
const { detectors, label: detectorsLabel } = await benchDetectors(built);
const withDetectors = detectors ? { detectors } : {};
const guard1k = guard(model1k, { name: 'bench-1k', ...withDetectors });
const guard16k = guard(model16k, { name: 'bench-16k', ...withDetectors });

/**
 * Phase 1 times the peers before any guarded call; phase 2 times the guard and repeats two peers
 * after it, to show the guard leaves nothing behind that slows the process (it enters no
 * AsyncLocalStorage, which on Node 20 would turn on promise hooks and make every promise dearer).
 */
const peers: Case[] = [
  { name: 'direct async call (1 KB string)', call: model1k },
  { name: 'opossum 9, defaults', call: () => opossumDefaults.fire() },
  { name: 'opossum 9, timeout: false', call: () => opossumNoTimeout.fire() },
  { name: 'cockatiel 3, ConsecutiveBreaker', call: () => cockatiel.execute(model1k) },
];
const guarded: Case[] = [
  { name: 'guard, detectors: [] (default options)', call: () => guardBare() },
  { name: 'guard, default detectors, 1 KB output', call: () => guard1k() },
  { name: 'guard, default detectors, 16 KB output', call: () => guard16k() },
  { name: 'guard, detectors: [], TypeScript source under tsx (reference)', call: () => guardTsx() },
  { name: 'direct async call, again after the guard cases', call: model1k },
  { name: 'opossum 9, defaults, again after the guard cases', call: () => opossumDefaults.fire() },
];

async function main(): Promise<void> {
  for (const c of peers)
    if ((await c.call()) !== KB1) throw new Error(`bench: "${c.name}" did not return the model's output`);
  const machine = describeMachine();
  process.stdout.write(`safety-breaker bench — ${machine.cpu}, ${machine.cores} cores, Node ${process.version}\n`);
  process.stdout.write(`phase 1: ${peers.length} peers, ${ROUNDS} interleaved rounds each…\n`);
  const started = performance.now();
  const options = { rounds: ROUNDS, warmupMs: 300, roundMs: 150 };
  const phase1 = await measure(peers, options);

  // The detectors must pass the benign texts, again and again (a flagged text would trip the breaker mid-run).
  for (const d of detectors ?? (await built.defaults.loadDefaultDetectors())) {
    if (!('detect' in d) || d.kind === 'async') continue;
    for (const text of [KB1, KB1, KB16, KB16]) {
      const s = d.detect({ text, output: text, latencyMs: 0, route: 'primary', breaker: 'bench', context: {} });
      if (s.flagged || s.blocked)
        throw new Error(
          `bench: ${d.name}() flags the benign ${text.length} B bench text (${s.reason ?? `score ${s.score}`}); fix the detector or bench/texts.ts`,
        );
    }
  }
  // Every subject must return the output untouched (a blocked benign text would measure the wrong path).
  for (const c of guarded) {
    const out = await c.call();
    if (out !== KB1 && out !== KB16) throw new Error(`bench: "${c.name}" did not return the model's output`);
  }
  process.stdout.write(`phase 2: ${guarded.length} cases, ${ROUNDS} interleaved rounds each…\n`);
  const phase2 = await measure(guarded, options);
  for (const b of [opossumDefaults, opossumNoTimeout]) b.shutdown();
  for (const g of [guardBare, guard1k, guard16k, guardTsx]) g.dispose();
  const flagged = guard1k.stats().calls.blocked + guard16k.stats().calls.blocked;

  process.stdout.write(
    `heap: ${HEAP_CALLS.toLocaleString('en')} guarded calls in a child process (node --expose-gc)…\n`,
  );
  const heap = runHeapChild();
  const seconds = (performance.now() - started) / 1000;

  const markdown = report([...phase1, ...phase2], heap, machine, seconds, flagged);
  writeSection('guard', markdown);
  process.stdout.write(`\n${markdown}\nwritten to the "guard" section of bench/RESULTS.md\n`);
}

interface Heap {
  calls: number;
  beforeMB: number;
  afterMB: number;
  growthMB: number;
  seconds: number;
  detectors: string;
}

function runHeapChild(): Heap {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(here, 'heap.ts'), built.dir, String(HEAP_CALLS)],
    { encoding: 'utf8', timeout: 170_000 },
  );
  if (child.status !== 0) throw new Error(`bench/heap.ts failed (${child.status ?? child.signal}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Heap;
}

function describeMachine() {
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu,
    cores: cpus().length,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');

function report(
  results: CaseResult[],
  heap: Heap,
  machine: ReturnType<typeof describeMachine>,
  seconds: number,
  flagged: number,
): string {
  const byName = (name: string) => results.find((r) => r.name === name)!;
  const direct = byName('direct async call (1 KB string)');
  const opossum = byName('opossum 9, defaults');
  const opossumAfter = byName('opossum 9, defaults, again after the guard cases');
  const bare = byName('guard, detectors: [] (default options)');
  const d1k = byName('guard, default detectors, 1 KB output');

  const rows = results.map(
    (r) =>
      `| ${r.name} | **${fmt(r.cpu.median)}** | ${fmt(r.cpu.min)}–${fmt(r.cpu.max)} | ${fmt(r.wall.median)} | ${r === direct ? '0' : fmt(r.cpu.median - direct.cpu.median)} | ${(r.cpu.median / opossum.cpu.median).toFixed(2)} |`,
  );
  const ok = (pass: boolean): string => (pass ? '✅ met' : '❌ NOT met');
  const targets = [
    `| guard, \`detectors: []\` ≤ opossum defaults | ${fmt(bare.cpu.median)} ns vs ${fmt(opossum.cpu.median)} ns (ratio ${(bare.cpu.median / opossum.cpu.median).toFixed(2)}; wall clock ${(bare.wall.median / opossum.wall.median).toFixed(2)}; against opossum timed after the guard cases: ${(bare.cpu.median / opossumAfter.cpu.median).toFixed(2)}) | ${ok(bare.cpu.median <= opossum.cpu.median)} |`,
    `| guard, default detectors, 1 KB < 20 µs median | ${(d1k.cpu.median / 1000).toFixed(2)} µs (wall clock ${(d1k.wall.median / 1000).toFixed(2)} µs) | ${ok(d1k.cpu.median < 20_000)} |`,
    `| heap growth after ${heap.calls.toLocaleString('en')} calls < 10 MB | ${heap.growthMB.toFixed(2)} MB | ${ok(heap.growthMB < 10)} |`,
  ];

  return `## Call overhead and heap: guard vs opossum and cockatiel

Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}.

- Machine: ${machine.cpu}, ${machine.cores} cores, shared with other work (load average at the end: ${machine.load})
- Node ${process.version}, ${process.platform}/${process.arch}
- safety-breaker as published: built by tsup (esbuild, ESM, node20) into node_modules/.cache/safety-breaker-bench at the start of the run. The last row runs the TypeScript source under tsx instead, whose \`keepNames\` transform adds an \`Object.defineProperty\` for every closure created per call.
- Each case: warm-up, then ${ROUNDS} rounds of ~150 ms of CPU, interleaved across cases; **median** of the rounds. The headline is the process's CPU time per call (\`process.cpuUsage()\`: user + system, GC threads included), much less inflated than wall-clock time by other processes on the cores (on a VM, stolen time can still count); wall-clock medians are shown beside it.
- Two phases in one process. Phase 1 (the first four rows) times the peers before any guarded call; phase 2 times the guard, then repeats the direct call and opossum ("again after the guard cases") to show the guard leaves nothing behind that slows other code. The guard enters no AsyncLocalStorage (\`callSignal()\` is a synchronous slot): on Node 20 that would switch on promise hooks for the whole process. An app that uses AsyncLocalStorage anyway (OpenTelemetry, the Express/Fastify integrations) pays that cost on every promise, the guard's and its peers' alike.
- Model: an \`async\` function returning a benign assistant text of 1 KB (16 KB where noted), built from sentences in bench/texts.ts
- Default detectors: ${detectorsLabel}; benign outputs blocked during the run: ${flagged}
- Whole run: ${seconds.toFixed(0)} s

| case | CPU ns/call (median) | CPU min–max over rounds | wall ns/call (median) | overhead vs direct, ns | ratio to opossum defaults |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

Heap: ${heap.calls.toLocaleString('en')} calls to a guard with the default detectors on a 1 KB output (${heap.detectors}), in a child process run with \`node --expose-gc\`: heap used ${heap.beforeMB.toFixed(2)} MB after warm-up, ${heap.afterMB.toFixed(2)} MB after the calls (gc before both readings); **growth ${heap.growthMB.toFixed(2)} MB**; ${fmt((heap.seconds * 1e9) / heap.calls)} ns/call (wall clock) in that loop.

### Acceptance targets (issue 2)

| target | measured (CPU time) | |
|---|---|---|
${targets.join('\n')}

Profile a case on the same build: \`npx tsx bench/profile.ts bare|1k|16k [calls]\` (writes a \`.cpuprofile\` under node_modules/.cache/safety-breaker-prof and prints the hot spots with file:line of the build).
`;
}

await main();
