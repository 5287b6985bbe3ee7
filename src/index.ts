/**
 * `safety-breaker`: what an app needs to write a guarded call — `guard()`, request context and
 * the abort signal, the errors a call can end with, the detector interface, the light built-in
 * detector `latency()`, and the breaker-state store seam. Toolkits live in subpaths (each listed in the README):
 * `safety-breaker/toxicity`, `/fairness`, `/policies`, `/stats`, `/config`, `/traffic`,
 * `/telemetry`, `/http`, `/file-store`, `/express`, `/fastify`.
 */
export { guard } from './guard.js';
export type {
  BreakerStats,
  CallCounts,
  CallOptions,
  DetectionDelay,
  GuardEvents,
  GuardHandle,
  Guarded,
  ReconfigureOptions,
  BreakerSnapshot,
  RestoreReport,
} from './guard.js';
export { memoryStore } from './store/memory.js';
export type { BreakerStore } from './store/types.js';
export type { ArgsOf, GuardOptions, Mode, ModelFunction, OutputOf, SafeReplyInfo } from './options.js';
export type { ChunkOf, StreamOptions } from './stream/options.js';
export {
  callContext,
  callSignal,
  currentContext,
  runWithContext,
  withSignal,
  type ModelCallContext,
} from './context.js';
export * from './errors.js';
export * from './detectors/types.js';
export { latency, type LatencyOptions } from './detectors/latency.js';
export { defaultText } from './text/extract.js';
export { isTransientError } from './routing/transient.js';
export { BREAKER_STATES, type BreakerState, type RecoveryOptions, type Transition } from './breaker/state-machine.js';
export type {
  Observation,
  PolicySnapshot,
  TripDecision,
  TripPolicy,
  TripPolicySpec,
} from './breaker/policies/index.js';
export type { WindowSpec } from './breaker/window.js';
export type { Fallback, FireableBreaker, NamedFallback } from './routing/routes.js';
export type { RetryOptions } from './routing/invoke.js';
export type { AsyncQueueOptions } from './detectors/async-queue.js';
export type { Logger } from './telemetry/logging.js';
export type { TracingOptions } from './telemetry/tracing.js';
export type { CallOutcome, DetectorVerdict, FallbackResult } from './telemetry/metrics.js';
