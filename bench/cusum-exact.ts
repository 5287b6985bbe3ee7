/**
 * Exact (Markov-chain) performance of the integer Bernoulli CUSUM with p0 learned in a warm-up:
 * no simulation noise. For every possible warm-up count x ~ Binomial(warmup, p0) the policy's own
 * design (`learnedCusumDesign`) is built; its false-trip probability over the monitored calls
 * follows from the exact ARL₀ at the true p0, and its delay after a jump to p1 from the chain
 * started in its in-control quasi-stationary distribution (the state a long-running statistic is
 * in when the change comes). Mixing over x gives what a run of the bench sees on average.
 */
import {
  learnedCusumDesign,
  learningCusumDesign,
  nextRedesign,
  type CusumPolicyOptions,
} from '../src/breaker/policies/cusum.js';
import { seededRandom } from '../src/random.js';
import { bernoulliCusumArl, logGamma } from '../src/breaker/stats.js';

/** One step of the integer chain c ← max(0, c − 1 + (up + 1)·x); returns the mass that reached h. */
function step(d: Float64Array, p: number, up: number, h: number, next: Float64Array): number {
  next.fill(0);
  let alarmed = 0;
  for (let c = 0; c < h; c++) {
    const m = d[c]!;
    if (m === 0) continue;
    next[c > 0 ? c - 1 : 0]! += m * (1 - p);
    if (c + up < h) next[c + up]! += m * p;
    else alarmed += m * p;
  }
  return alarmed;
}

/** The distribution of the statistic after a long in-control run, conditioned on no trip. */
function quasiStationary(p: number, up: number, h: number, steps = 3_000): Float64Array<ArrayBuffer> {
  let d = new Float64Array(h);
  let next = new Float64Array(h);
  d[0] = 1;
  for (let s = 0; s < steps; s++) {
    const lost = step(d, p, up, h, next);
    for (let c = 0; c < h; c++) next[c]! /= 1 - lost;
    [d, next] = [next, d];
  }
  return d;
}

export interface LearnedCusumExact {
  /** P(at least one false trip in `calls` stationary calls, warm-up included). */
  readonly falseTripProbability: number;
  readonly median: number;
  readonly p95: number;
}

export function learnedCusumExact(options: {
  warmup: number;
  shift: number;
  falseTripEvery: number;
  p0: number;
  p1: number;
  calls: number;
  horizon?: number;
}): LearnedCusumExact {
  const { warmup, p0, p1, calls } = options;
  const horizon = options.horizon ?? 2_000;
  const mix = new Float64Array(horizon + 1);
  let ftp = 0;
  let mass = 0;
  const mean = warmup * p0;
  const sd = Math.sqrt(mean * (1 - p0));
  for (let x = Math.max(0, Math.floor(mean - 5 * sd)); x <= Math.min(warmup, Math.ceil(mean + 5 * sd)); x++) {
    const w = Math.exp(
      logGamma(warmup + 1) -
        logGamma(x + 1) -
        logGamma(warmup - x + 1) +
        x * Math.log(p0) +
        (warmup - x) * Math.log(1 - p0),
    );
    if (w < 1e-8) continue;
    const { up, h } = learnedCusumDesign(x, warmup, { shift: options.shift, falseTripEvery: options.falseTripEvery });
    ftp += w * (1 - Math.exp(-(calls - warmup) / bernoulliCusumArl(p0, up, h)));
    let d = quasiStationary(p0, up, h);
    let next = new Float64Array(h);
    let alarmed = 0;
    for (let n = 1; n <= horizon; n++) {
      alarmed += step(d, p1, up, h, next);
      [d, next] = [next, d];
      mix[n]! += w * alarmed;
    }
    mass += w;
  }
  const quantile = (q: number) => {
    for (let n = 1; n <= horizon; n++) if (mix[n]! / mass >= q) return n;
    return Infinity;
  };
  return { falseTripProbability: ftp / mass, median: quantile(0.5), p95: quantile(0.95) };
}

/**
 * P(a false trip within `calls` stationary calls at rate `p0`) of the self-starting CUSUM from a
 * cold start, by conditional Monte Carlo: each of `paths` learning paths draws the bad-call
 * counts at the policy's own redesign points (`nextRedesign`), builds the design the policy
 * builds there, and adds up its exact hazard (calls in the stretch / exact ARL₀ at p0). The
 * estimate is the mean of 1 − e^(−hazard): far less noisy than counting trips, which the bench
 * does too. Approximations: the policy redesigns at the first zero of its statistic after a
 * redesign point (here: at the point), and each stretch starts in the statistic's steady state.
 */
export function coldStartFalseTrip(options: {
  spec: CusumPolicyOptions;
  p0: number;
  calls: number;
  paths: number;
  seed: number;
}): { probability: number; standardError: number; learningShare: number } {
  const { spec, p0, calls } = options;
  const random = seededRandom(options.seed);
  const hazards = new Map<string, number>();
  const hazard = (bad: number, learned: number, learning: boolean): number => {
    const key = `${bad}/${learned}/${learning}`;
    let h = hazards.get(key);
    if (h === undefined) {
      const d = learning
        ? learningCusumDesign(bad, learned, spec.warmupCalls, spec)
        : learnedCusumDesign(bad, learned, spec);
      h = 1 / bernoulliCusumArl(p0, d.up, d.h);
      hazards.set(key, h);
    }
    return h;
  };
  let sum = 0;
  let sumSq = 0;
  let learningHazard = 0;
  for (let r = 0; r < options.paths; r++) {
    let n = 0;
    let bad = 0;
    let total = 0;
    while (n < spec.warmupCalls) {
      const next = nextRedesign(n, spec.warmupCalls);
      total += (next - n) * hazard(bad, n, true);
      for (; n < next; n++) if (random() < p0) bad++;
    }
    learningHazard += total;
    total += (calls - n) * hazard(bad, n, false);
    const p = 1 - Math.exp(-total);
    sum += p;
    sumSq += p * p;
  }
  const mean = sum / options.paths;
  const variance = Math.max(0, sumSq / options.paths - mean * mean);
  return {
    probability: mean,
    standardError: Math.sqrt(variance / options.paths),
    learningShare: learningHazard / options.paths / Math.max(1e-300, -Math.log(1 - mean)),
  };
}

/** P(the integer CUSUM started at zero has tripped within `calls` calls at a sustained rate `p`): exact. */
export function tripWithin(p: number, up: number, h: number, calls: number): number {
  let d = new Float64Array(h);
  let next = new Float64Array(h);
  d[0] = 1;
  let alarmed = 0;
  for (let n = 0; n < calls; n++) {
    alarmed += step(d, p, up, h, next);
    [d, next] = [next, d];
  }
  return alarmed;
}
