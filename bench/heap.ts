/**
 * Heap growth after N guarded calls. Run by bench/run.ts as a child process with --expose-gc,
 * on the build bench/build.ts made:
 *
 *   node --expose-gc --import tsx bench/heap.ts <build dir> [calls]
 *
 * Prints one JSON line: { calls, beforeMB, afterMB, growthMB, seconds, detectors }.
 */
import { loadBuilt } from './build.js';
import { benchDetectors } from './subjects.js';
import { benignText } from './texts.js';

const [dir, count] = process.argv.slice(2);
if (!dir) throw new Error('usage: node --expose-gc --import tsx bench/heap.ts <build dir> [calls]');
const calls = Number(count ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('bench/heap.ts needs node --expose-gc');

const built = await loadBuilt(dir);
const text = benignText(1024);
const { detectors, label } = await benchDetectors(built);
const guarded = built.index.guard(async () => text, { name: 'bench-heap', ...(detectors && { detectors }) });

const settle = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
};

// Warm-up: compile the hot path and fill lazy caches before the baseline.
for (let i = 0; i < 20_000; i++) await guarded();
const before = await settle();
const started = performance.now();
for (let i = 0; i < calls; i++) await guarded();
const seconds = (performance.now() - started) / 1000;
const after = await settle();
if (guarded.stats().calls.blocked > 0) throw new Error('bench/heap.ts: the benign text was blocked');
guarded.dispose();

const MB = 1024 * 1024;
process.stdout.write(
  `${JSON.stringify({ calls, beforeMB: before / MB, afterMB: after / MB, growthMB: (after - before) / MB, seconds, detectors: label })}\n`,
);
