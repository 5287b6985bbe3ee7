/**
 * Detection bench: false trips on stationary traffic and calls-to-trip after a shift, for the
 * flag-rate trip policies (including the guard's default, built from its option schema) and the
 * fairness detector (through its public API, with its defaults). Seeded PRNG, so the numbers are
 * reproducible: `npm run bench:detection` writes the `detection` section of bench/RESULTS.md.
 * Options: `--quick` (fewer runs, a smoke check; prints only, never writes RESULTS.md).
 */
import { createPolicy } from '../src/breaker/policies/index.js';
import { CusumPolicy, MIN_LEARNED_BAD } from '../src/breaker/policies/cusum.js';
import { RatePolicy } from '../src/breaker/policies/rate.js';
import type { Observation, TripDecision, TripPolicy } from '../src/breaker/policies/types.js';
import { WilsonPolicy } from '../src/breaker/policies/wilson.js';
import { bernoulliCusumArl, bernoulliCusumStep, bernoulliCusumThreshold, logGamma } from '../src/breaker/stats.js';
import { fairness, type FairnessOptions } from '../src/detectors/fairness.js';
import type { CallRecord } from '../src/detectors/types.js';
import { guardOptionsRule } from '../src/options.js';
import { parseOptions } from '../src/validation.js';
import { coldStartFalseTrip, learnedCusumExact, tripWithin } from './cusum-exact.js';
import { machineLine, writeSection } from './results-file.js';
import { seededRandom } from '../src/random.js';

const quick = process.argv.includes('--quick');

const GOOD: Observation = { bad: false, failed: false, slow: false, latencyMs: 1, now: 0 };
const BAD: Observation = { bad: true, failed: false, slow: false, latencyMs: 1, now: 0 };

const STATIONARY_CALLS = 1_000_000;
const STATIONARY_RUNS = quick ? 5 : 100;
const SHIFT_RUNS = quick ? 40 : 1_000;
const P0 = 0.005;
const P1 = 0.05;

/** Several policies as the guard runs them: every one observes each call, any one trips, all reset together. */
class AnyOf implements TripPolicy {
  readonly name = 'any';
  constructor(private readonly policies: readonly TripPolicy[]) {}
  observe(o: Observation): TripDecision | undefined {
    let decision: TripDecision | undefined;
    for (const p of this.policies) decision ??= p.observe(o);
    return decision;
  }
  snapshot(now: number) {
    return this.policies[0]!.snapshot(now);
  }
  reset(): void {
    for (const p of this.policies) p.reset();
  }
}

/** The guard's default trip policies, exactly as `guard()` parses them when `trip` is omitted. */
const defaultTrip = parseOptions(guardOptionsRule, { name: 'bench' }, 'bench').trip;
const defaultSpecs = (Array.isArray(defaultTrip) ? defaultTrip : [defaultTrip]) as Parameters<typeof createPolicy>[0][];
const defaultCusum = defaultSpecs.find((s) => s.policy === 'cusum');
if (!defaultCusum || defaultCusum.policy !== 'cusum') throw new Error('bench: the guard default has no cusum policy');
const describeSpec = (s: Parameters<typeof createPolicy>[0]) =>
  Object.entries(s)
    .filter(([k]) => k !== 'window')
    .map(([k, v]) =>
      k === 'policy' ? String(v) : `${k} ${typeof v === 'number' && v >= 1e5 ? v.toExponential(0) : String(v)}`,
    )
    .join(', ');

interface PolicyCase {
  readonly name: string;
  readonly config: string;
  readonly make: () => TripPolicy;
  /** Calls before the shift during which the policy learns (CUSUM warm-up). */
  readonly warmup: number;
}

const policyCases: PolicyCase[] = [
  {
    name: 'rate',
    config: 'count window 200, minimumCalls 160, threshold 4.5 % (9 of 200)',
    make: () => new RatePolicy({ threshold: 0.045, minimumCalls: 160, window: { kind: 'count', size: 200 } }),
    warmup: 0,
  },
  {
    name: 'rate',
    config: 'count window 100, minimumCalls 20, threshold 20 % (the former guard default)',
    make: () => new RatePolicy({ threshold: 0.2, minimumCalls: 20, window: { kind: 'count', size: 100 } }),
    warmup: 0,
  },
  {
    name: 'wilson',
    config: 'window 200, minimumCalls 20, lower bound (95 %) > 0.5 % (the baseline)',
    make: () =>
      new WilsonPolicy({ threshold: 0.005, confidence: 0.95, minimumCalls: 20, window: { kind: 'count', size: 200 } }),
    warmup: 0,
  },
  {
    name: 'wilson',
    config: 'window 200, minimumCalls 20, lower bound (99.99 %) > 1 %',
    make: () =>
      new WilsonPolicy({ threshold: 0.01, confidence: 0.9999, minimumCalls: 20, window: { kind: 'count', size: 200 } }),
    warmup: 0,
  },
  {
    name: 'cusum',
    config: 'p0 = 0.5 % known, p1 = 5 %, falseTripEvery 10⁸',
    make: () => new CusumPolicy({ p0: P0, p1: P1, shift: 10, falseTripEvery: 1e8, warmupCalls: 20_000 }),
    warmup: 0,
  },
  {
    name: 'cusum',
    config: 'p0 learned in a 20 000-call warm-up, shift ×10 (the former warm-up and shift defaults)',
    make: () => new CusumPolicy({ shift: 10, falseTripEvery: 1e8, warmupCalls: 20_000 }),
    warmup: 20_000,
  },
  {
    name: '**guard default**',
    config: `${defaultSpecs.map(describeSpec).join(' + ')} (any one trips)`,
    make: () => new AnyOf(defaultSpecs.map((s) => createPolicy(s))),
    warmup: defaultCusum.warmupCalls,
  },
];

/** Trips over `calls` stationary calls at rate p (the policy is reset after each trip, as the guard does). */
function stationaryTrips(make: () => TripPolicy, p: number, calls: number, seed: number): number {
  const rnd = seededRandom(seed);
  const policy = make();
  let trips = 0;
  for (let i = 0; i < calls; i++) {
    if (policy.observe(rnd() < p ? BAD : GOOD)) {
      trips++;
      policy.reset();
    }
  }
  return trips;
}

/** Calls from the shift to the trip; false trips before the shift restart the pre-shift period. */
function callsToTrip(c: PolicyCase, seed: number): { delay: number; falseTripsBefore: number } {
  const rnd = seededRandom(seed);
  const policy = c.make();
  let falseTripsBefore = 0;
  // Warm-up plus a random stretch of stationary traffic, so the statistic is in its steady state.
  const before = c.warmup + 2_000 + Math.floor(rnd() * 3_000);
  for (let i = 0; i < before; i++) {
    if (policy.observe(rnd() < P0 ? BAD : GOOD)) {
      falseTripsBefore++;
      policy.reset();
    }
  }
  for (let n = 1; n <= 1_000_000; n++)
    if (policy.observe(rnd() < P1 ? BAD : GOOD)) return { delay: n, falseTripsBefore };
  return { delay: Infinity, falseTripsBefore };
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

interface Row {
  readonly name: string;
  readonly config: string;
  readonly tripsPerMillion: number;
  readonly shareOfRunsWithTrip: number;
  readonly runs: number;
  readonly median: number;
  readonly p95: number;
  readonly shiftRuns: number;
}

function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '∞';
  if (x === 0) return '0';
  return Math.abs(x) >= 100 ? String(Math.round(x)) : x.toFixed(digits);
}

const started = performance.now();
const rows: Row[] = [];
for (const [i, c] of policyCases.entries()) {
  // Policies that trip very often on stationary traffic need no million calls to show it.
  let total = 0;
  let runsWithTrip = 0;
  for (let r = 0; r < STATIONARY_RUNS; r++) {
    const t = stationaryTrips(c.make, P0, STATIONARY_CALLS, 1_000 * i + r + 1);
    total += t;
    if (t > 0) runsWithTrip++;
  }
  const delays: number[] = [];
  for (let r = 0; r < SHIFT_RUNS; r++) delays.push(callsToTrip(c, 7_000_000 + 1_000 * i + r).delay);
  delays.sort((a, b) => a - b);
  rows.push({
    name: c.name,
    config: c.config,
    tripsPerMillion: total / STATIONARY_RUNS,
    shareOfRunsWithTrip: runsWithTrip / STATIONARY_RUNS,
    runs: STATIONARY_RUNS,
    median: quantile(delays, 0.5),
    p95: quantile(delays, 0.95),
    shiftRuns: SHIFT_RUNS,
  });
  console.error(`${c.name} (${c.config}): done at ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// Cold start: the guard default from its first call, with no stored baseline.
const COLD_SHIFT_AT = 5_000;
const COLD_RUNS = quick ? 40 : 1_000;
const COLD_STATIONARY_RUNS = quick ? 10 : 2_000;
const COLD_PATHS = quick ? 500 : 10_000;
const makeDefault = () => new AnyOf(defaultSpecs.map((s) => createPolicy(s)));

/** Calls after `before` calls at `pBefore` until the trip at `pAfter` (Infinity if none within `horizon`); false trips before reset the policies, as the guard does. */
function coldRun(seed: number, before: number, pBefore: number, pAfter: number, horizon: number) {
  const rnd = seededRandom(seed);
  const policy = makeDefault();
  let falseTrips = 0;
  for (let i = 0; i < before; i++) {
    if (policy.observe(rnd() < pBefore ? BAD : GOOD)) {
      falseTrips++;
      policy.reset();
    }
  }
  for (let n = 1; n <= horizon; n++) if (policy.observe(rnd() < pAfter ? BAD : GOOD)) return { delay: n, falseTrips };
  return { delay: Infinity, falseTrips };
}

/** Exact (Clopper–Pearson) one-sided 95 % upper bound of a binomial proportion: k of n. */
function binomialUpper(k: number, n: number): number {
  if (k >= n) return 1;
  const cdf = (p: number) => {
    let sum = 0;
    for (let i = 0; i <= k; i++)
      sum += Math.exp(
        logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) + i * Math.log(p) + (n - i) * Math.log1p(-p),
      );
    return sum;
  };
  let lo = k / n;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return hi;
}

const coldShift: number[] = [];
let coldFalseBefore = 0;
for (let r = 0; r < COLD_RUNS; r++) {
  const { delay, falseTrips } = coldRun(9_000_000 + r, COLD_SHIFT_AT, P0, P1, 1_000_000);
  coldShift.push(delay);
  coldFalseBefore += falseTrips;
}
coldShift.sort((a, b) => a - b);
const badFromStart: number[] = [];
for (let r = 0; r < COLD_RUNS; r++) badFromStart.push(coldRun(9_500_000 + r, 0, P0, P1, 1_000_000).delay);
badFromStart.sort((a, b) => a - b);
let coldRunsWithTrip = 0;
for (let r = 0; r < COLD_STATIONARY_RUNS; r++)
  if (coldRun(8_000_000 + r, STATIONARY_CALLS, P0, P0, 0).falseTrips > 0) coldRunsWithTrip++;
const coldExact = coldStartFalseTrip({
  spec: defaultCusum,
  p0: P0,
  calls: STATIONARY_CALLS,
  paths: COLD_PATHS,
  seed: 77,
});
console.error(`cold start: done at ${((performance.now() - started) / 1000).toFixed(1)} s`);
const held = (ok: boolean) => (ok ? '✅ holds' : '❌ misses');
const coldMedian = quantile(coldShift, 0.5);
const coldP95 = quantile(coldShift, 0.95);
const within1000 = badFromStart.filter((d) => d <= 1_000).length;
// Exact: a model bad from its first call meets the ceiling's design (the policy's first) and keeps it past call 1 000.
const firstDesign = new CusumPolicy(defaultCusum).parameters;
const missExact = 1 - tripWithin(P1, firstDesign.up, firstDesign.h, 1_000);
const coldUpper = binomialUpper(coldRunsWithTrip, COLD_STATIONARY_RUNS);
const coldTable = [
  '| case | runs | measured | target | |',
  '|---|---|---|---|---|',
  `| 0.5 % → 5 % at call ${COLD_SHIFT_AT.toLocaleString('en')} | ${COLD_RUNS} | median ${fmt(coldMedian)}, p95 ${fmt(coldP95)} calls after the shift (false trips before it: ${coldFalseBefore}) | median ≤ 200, p95 ≤ 400 | ${held(coldMedian <= 200 && coldP95 <= 400)} |`,
  `| 5 % from call 1 (a model bad at deploy time) | ${COLD_RUNS} | median ${fmt(quantile(badFromStart, 0.5))}, p95 ${fmt(quantile(badFromStart, 0.95))}, max ${fmt(badFromStart.at(-1)!)} calls; ${within1000} of ${COLD_RUNS} within 1 000; exact P(no trip within 1 000) = ${missExact.toExponential(1)} | within 1 000 (a random stream can always run low: read as P(no trip within 1 000) < 10⁻³, exact) | ${held(missExact < 1e-3)} |`,
  `| 0.5 % for 10⁶ calls, simulated | ${COLD_STATIONARY_RUNS} | ${coldRunsWithTrip} runs with a false trip (${fmt((100 * coldRunsWithTrip) / COLD_STATIONARY_RUNS)} %; exact 95 % upper bound ${fmt(100 * coldUpper)} %) | ≤ 1 % | ${coldUpper <= 0.01 ? '✅ holds' : 'consistent with the row below, too few runs to show ≤ 1 % alone'} |`,
  `| 0.5 % for 10⁶ calls, conditional Monte Carlo (exact ARL₀ of each design the policy builds, over ${COLD_PATHS.toLocaleString('en')} sampled learning paths) | ${COLD_PATHS.toLocaleString('en')} paths | P(false trip) = ${fmt(100 * coldExact.probability)} % ± ${fmt(100 * coldExact.standardError, 3)} % (the learning period's share of it: ${fmt(100 * coldExact.learningShare, 0)} %) | ≤ 1 % | ${held(coldExact.probability + 2 * coldExact.standardError <= 0.01)} |`,
].join('\n');

// CUSUM theory vs simulation: the exact Markov-chain ARL against simulated run lengths, at
// thresholds low enough to simulate many runs.
const { up } = bernoulliCusumStep(P0, P1);
const arlRows: string[] = [];
for (const target of [1e3, 1e4, 1e5]) {
  const { h, arl0 } = bernoulliCusumThreshold(P0, up, target);
  const rnd = seededRandom(99 + target);
  const runs = quick ? 200 : Math.round(2e7 / target) + 200;
  let sum = 0;
  for (let r = 0; r < runs; r++) {
    let c = 0;
    let n = 0;
    while (c < h) {
      n++;
      c = rnd() < P0 ? c + up : c > 0 ? c - 1 : 0;
    }
    sum += n;
  }
  arlRows.push(
    `| ${target.toExponential(0)} | ${h} | ${Math.round(arl0)} | ${Math.round(sum / runs)} ± ${Math.round((1.96 * arl0) / Math.sqrt(runs))} | ${runs} |`,
  );
}
const design = bernoulliCusumThreshold(P0, up, 1e8);
const arl1 = bernoulliCusumArl(P1, up, design.h);

// The guard default's CUSUM, exactly: averaged over the warm-up's sampling noise (bench/cusum-exact.ts).
const exact = learnedCusumExact({
  warmup: defaultCusum.warmupCalls,
  shift: defaultCusum.shift,
  falseTripEvery: defaultCusum.falseTripEvery,
  p0: P0,
  p1: P1,
  calls: STATIONARY_CALLS,
});
const former = learnedCusumExact({
  warmup: 20_000,
  shift: 10,
  falseTripEvery: 1e8,
  p0: P0,
  p1: P1,
  calls: STATIONARY_CALLS,
});
console.error(`exact CUSUM analysis: done at ${((performance.now() - started) / 1000).toFixed(1)} s`);

// Fairness: two groups at 50/50 traffic, through the public detector.
interface FairCase {
  readonly label: string;
  readonly options: FairnessOptions;
  /** Stationary runs of 10⁶ calls (fewer for slow comparison rows; stated in the table). */
  readonly runs: number;
}
const fairCases: FairCase[] = [
  {
    label:
      'defaults: per-group CUSUM alarm (18 nats, reference memory 8 000, designed for +10 points), confirmed by the window test (count 1 000, maxDelta 0.05, α 10⁻³) (**default**)',
    options: {},
    runs: quick ? 5 : 200,
  },
  {
    label: 'window test alone (`sequential: false`), count window 2 000, α 10⁻⁵ (the former default)',
    options: { sequential: false, window: { kind: 'count', size: 2000 }, alpha: 1e-5 },
    runs: quick ? 2 : 20,
  },
];
const makeFair = (f: FairCase) => fairness({ ...f.options, group: 'group' });
const GROUP_A = { group: 'a' };
const GROUP_B = { group: 'b' };
const call = (context: Record<string, unknown>, blocked: boolean, now: number): CallRecord => ({
  text: '',
  output: undefined,
  latencyMs: 1,
  route: 'primary',
  breaker: 'bench',
  context,
  signals: [],
  blocked,
  failed: false,
  now,
});

function fairStationary(f: FairCase, seed: number, calls: number): number {
  const rnd = seededRandom(seed);
  const d = makeFair(f);
  let trips = 0;
  for (let i = 0; i < calls; i++) {
    if (d.observe(call(rnd() < 0.5 ? GROUP_A : GROUP_B, rnd() < 0.1, i))) {
      trips++;
      d.reset();
    }
  }
  return trips;
}

/** Calls from the change to the trip (Infinity if none within `horizon`); rates after the change per group. */
function fairShift(f: FairCase, seed: number, ra: number, rb: number, horizon: number): number {
  const rnd = seededRandom(seed);
  const d = makeFair(f);
  // Long enough for the sequential reference (an EWMA of 8 000 calls of the other group) to reach its steady state.
  const before = 20_000 + Math.floor(rnd() * 3_000);
  for (let i = 0; i < before; i++) if (d.observe(call(rnd() < 0.5 ? GROUP_A : GROUP_B, rnd() < 0.1, i))) d.reset();
  for (let n = 1; n <= horizon; n++) {
    const a = rnd() < 0.5;
    if (d.observe(call(a ? GROUP_A : GROUP_B, rnd() < (a ? ra : rb), before + n))) return n;
  }
  return Infinity;
}

const FAIR_SHIFT_RUNS = quick ? 40 : 300;
const DRIFT_HORIZON = 100_000;
const fairRows: string[] = [];
for (const [i, f] of fairCases.entries()) {
  let total = 0;
  let runsWithTrip = 0;
  for (let r = 0; r < f.runs; r++) {
    const t = fairStationary(f, 50_000 + 1_000 * i + r, STATIONARY_CALLS);
    total += t;
    if (t > 0) runsWithTrip++;
  }
  const delays: number[] = [];
  for (let r = 0; r < FAIR_SHIFT_RUNS; r++) delays.push(fairShift(f, 60_000 + 1_000 * i + r, 0.1, 0.2, 1_000_000));
  delays.sort((a, b) => a - b);
  let drifted = 0;
  for (let r = 0; r < FAIR_SHIFT_RUNS; r++)
    if (fairShift(f, 80_000 + 1_000 * i + r, 0.13, 0.13, DRIFT_HORIZON) !== Infinity) drifted++;
  fairRows.push(
    `| ${f.label} | ${fmt(total / f.runs, 3)} | ${fmt((100 * runsWithTrip) / f.runs, 1)} % of ${f.runs} | ${fmt(quantile(delays, 0.5))} | ${fmt(quantile(delays, 0.95))} | ${fmt((100 * drifted) / FAIR_SHIFT_RUNS, 1)} % of ${FAIR_SHIFT_RUNS} |`,
  );
  console.error(`fairness (${f.label}): done at ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const seconds = (performance.now() - started) / 1000;
const table = [
  '| policy | configuration | false trips per 10⁶ calls at 0.5 % (mean) | runs with ≥ 1 false trip | calls to trip after 0.5 % → 5 %: median | p95 |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.config} | ${fmt(r.tripsPerMillion, 3)} | ${fmt(100 * r.shareOfRunsWithTrip, 1)} % of ${r.runs} | ${fmt(r.median)} | ${fmt(r.p95)} |`,
  ),
].join('\n');
const pctOf = (x: number) => `${(100 * x).toFixed(2)} %`;
const report = `## Detection (trip policies and fairness)

Written by \`npm run bench:detection\` (bench/detection.ts; seeded mulberry32; policies and the fairness detector simulated directly, no I/O). ${machineLine()} Whole run: ${seconds.toFixed(0)} s${quick ? ' (--quick: few runs, not for publication)' : ''}.

### Flag-rate policies

Stationary: ${STATIONARY_RUNS} runs × 10⁶ calls at a 0.5 % flag rate (policies reset after each trip, as the guard does). Shift: ${SHIFT_RUNS} runs; each runs the warm-up (if any) plus 2 000–5 000 stationary calls, then the rate jumps to 5 %; delay = calls from the jump to the trip. The guard default row is built from \`guardOptionsRule\` (what \`guard()\` uses when \`trip\` is omitted).

${table}

**Guard default, exact** (no simulation noise; bench/cusum-exact.ts mixes the exact Markov-chain results over every possible warm-up count, so it includes the cost of learning p0): P(false trip within 10⁶ calls) = ${pctOf(exact.falseTripProbability)}, median ${exact.median}, p95 ${exact.p95} calls. The former warm-up and shift defaults (20 000 calls, ×10) give ${pctOf(former.falseTripProbability)}, median ${former.median}, p95 ${former.p95}.

#### Cold start (issue 17)

The guard default from its first call with no stored baseline: the CUSUM watches against its ceiling (1 %) until it has seen ${MIN_LEARNED_BAD} bad calls, then against the baseline learned so far (redesigned at growing intervals while its statistic is at zero), until its warm-up ends. Shift: ${COLD_SHIFT_AT.toLocaleString('en')} calls at 0.5 %, then 5 %. Stationary: 10⁶ calls at 0.5 % from the first call, the learning period included; two estimates, the simulation as a check on the conditional Monte Carlo.

${coldTable}

CUSUM design at p0 = 0.5 % known, p1 = 5 %, falseTripEvery 10⁸: integer step up = ${up}, threshold h = ${design.h} (${(design.h * bernoulliCusumStep(P0, P1).llrPerStep).toFixed(2)} nats), exact ARL₀ = ${design.arl0.toExponential(3)} calls, so P(false trip within 10⁶ calls) ≈ 1 − e^(−10⁶/ARL₀) = ${(100 * (1 - Math.exp(-1e6 / design.arl0))).toFixed(2)} %; exact ARL₁ at 5 % from a zero statistic = ${arl1.toFixed(1)} calls.

#### CUSUM threshold: exact Markov-chain ARL₀ vs simulation

| target ARL₀ | h | exact ARL₀ | simulated mean run length (± 95 %) | runs |
|---|---|---|---|---|
${arlRows.join('\n')}

### Fairness

\`fairness({ group: 'group' })\` fed through \`observe()\`. Two groups at 50/50 traffic, both at a 10 % outcome rate. Stationary: runs × 10⁶ calls (as listed). Gap: after 20 000–23 000 stationary calls, group b rises to 20 %; calls from the change to the trip over ${FAIR_SHIFT_RUNS} runs. Drift: both groups rise to 13 % together; share of ${FAIR_SHIFT_RUNS} runs that trip within ${DRIFT_HORIZON.toLocaleString('en')} calls of the change.

| configuration | false trips per 10⁶ calls (mean) | runs with ≥ 1 false trip | calls to trip after b 10 % → 20 %: median | p95 | runs that trip when both rise to 13 % |
|---|---|---|---|---|---|
${fairRows.join('\n')}
`;
console.log(report);
if (!quick) writeSection('detection', report);
