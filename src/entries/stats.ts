/**
 * `safety-breaker/stats`: the statistics the trip policies and detectors are built on, for
 * offline analysis and for choosing thresholds: exact and approximate tests of two proportions,
 * Holm's correction, Bernoulli CUSUM design, and streaming quantile sketches.
 */
export {
  bernoulliCusumArl,
  bernoulliCusumThreshold,
  fisherExactTest,
  holm,
  twoProportionTest,
} from '../breaker/stats.js';
export { QuantileSketch, SlidingQuantiles, type QuantileSketchOptions } from '../breaker/quantile-sketch.js';
