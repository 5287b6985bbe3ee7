/**
 * Exact (Markov-chain) performance of the integer Bernoulli CUSUM with p0 learned in a warm-up:
 * no simulation noise. For every possible warm-up count x ~ Binomial(warmup, p0) the policy's own
 * design (`learnedCusumDesign`) is built; its false-trip probability over the monitored calls
 * follows from the exact ARL₀ at the true p0, and its delay after a jump to p1 from the chain
 * started in its in-control quasi-stationary distribution (the state a long-running statistic is
 * in when the change comes). Mixing over x gives what a run of the bench sees on average.
 */
import { learnedCusumDesign } from '../src/breaker/policies/cusum.js';
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
