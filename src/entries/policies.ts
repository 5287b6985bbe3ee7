/**
 * `safety-breaker/policies`: the trip policies as classes, for composing or wrapping them in code
 * (a guard's `trip` option takes the same policies as plain specs: `{ policy: 'wilson', … }`).
 * See docs/trip-policies.md.
 */
export { RatePolicy, type RatePolicyOptions } from '../breaker/policies/rate.js';
export { WilsonPolicy, type WilsonPolicyOptions } from '../breaker/policies/wilson.js';
export { CusumPolicy, designCusum, type CusumDesign, type CusumPolicyOptions } from '../breaker/policies/cusum.js';
export { SlowCallRatePolicy, type SlowCallRatePolicyOptions } from '../breaker/policies/slow-call-rate.js';
export { LatencyQuantilePolicy, type LatencyQuantilePolicyOptions } from '../breaker/policies/latency-p95.js';
export {
  createPolicy,
  isTripPolicy,
  type Observation,
  type PolicySnapshot,
  type TripDecision,
  type TripPolicy,
  type TripPolicySpec,
} from '../breaker/policies/index.js';
export type { WindowSpec } from '../breaker/window.js';
