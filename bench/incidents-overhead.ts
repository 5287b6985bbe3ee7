/**
 * What attaching an incident log costs a healthy call: the same guard with and without a log,
 * calls alternating in rounds, CPU time per call (`npx tsx bench/incidents-overhead.ts`).
 */
import { guard } from '../src/index.js';
import { incidents, memorySink } from '../src/entries/incidents.js';

const N = 200_000;
const ROUNDS = 11;

function make(attached: boolean) {
  const g = guard(async (q: string) => q, { name: attached ? 'with-log' : 'without', detectors: [] });
  if (attached) incidents({ sink: memorySink() }).attach(g);
  return g;
}

/** CPU time (user + system) per call, ns: less disturbed than wall time on a shared machine. */
async function time(g: ReturnType<typeof make>): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) await g('hello');
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / N;
}

const plain = make(false);
const logged = make(true);
await time(plain);
await time(logged); // warm-up
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  a.push(await time(plain));
  b.push(await time(logged));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
console.log(
  `CPU ns per healthy call (median of ${ROUNDS} rounds of ${N}): without a log ${median(a).toFixed(0)}, with a log attached ${median(b).toFixed(0)} (Node ${process.version})`,
);
