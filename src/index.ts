export { guard } from './guard.js';
export type { BreakerStats, CallOptions, GuardEvents, GuardHandle, Guarded } from './guard.js';
export type { ArgsOf, GuardOptions, Mode, ModelFunction, OutputOf, SafeReplyInfo } from './options.js';
export { callSignal, currentContext, runWithContext, withSignal, type ModelCallContext } from './context.js';
export * from './errors.js';
export * from './detectors/types.js';
export { latency, type LatencyOptions } from './detectors/latency.js';
export type { BreakerState, RecoveryOptions, Transition } from './breaker/state-machine.js';
export { BREAKER_STATES } from './breaker/state-machine.js';
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
export { isTransientError } from './routing/transient.js';
export { defaultText } from './text/extract.js';
export type { Logger } from './telemetry/logging.js';
export { createLogger, REDACT_PATHS, type CreateLoggerOptions } from './telemetry/logging.js';
export type { CallOutcome, DetectorVerdict, FallbackResult } from './telemetry/metrics.js';
export { CALL_DURATION_BUCKETS, DETECTOR_DURATION_BUCKETS } from './telemetry/metrics.js';
export type { TracingOptions } from './telemetry/tracing.js';
export { redact, luhnValid, REDACTED, type RedactOptions } from './telemetry/redact.js';
export {
  problemFor,
  retryAfterSeconds,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  type ProblemResponse,
} from './integrations/problem.js';
export {
  fairness,
  FairnessWindow,
  type FairnessDetector,
  type FairnessGroupStats,
  type FairnessOptions,
  type FairnessOutcome,
  type FairnessSnapshot,
  type FairnessVerdict,
} from './detectors/fairness.js';
export { DEFAULT_IDENTITY_TERMS, groupFromText, type IdentityTerms } from './detectors/identity-terms.js';
export { CusumPolicy, designCusum, type CusumPolicyOptions } from './breaker/policies/cusum.js';
export { SlowCallRatePolicy, type SlowCallRatePolicyOptions } from './breaker/policies/slow-call-rate.js';
export { LatencyQuantilePolicy, type LatencyQuantilePolicyOptions } from './breaker/policies/latency-p95.js';
export { QuantileSketch, SlidingQuantiles, type QuantileSketchOptions } from './breaker/quantile-sketch.js';
export {
  bernoulliCusumArl,
  bernoulliCusumThreshold,
  fisherExactTest,
  holm,
  twoProportionTest,
} from './breaker/stats.js';
export type { DetectionDelay } from './guard.js';
export {
  toxicity,
  scanToxicity,
  createToxicityScanner,
  normalize,
  ToxicityScanner,
  TOXICITY_CATEGORIES,
  DEFAULT_BLOCK as TOXICITY_DEFAULT_BLOCK,
  DEFAULT_FLAG as TOXICITY_DEFAULT_FLAG,
} from './detectors/toxicity/index.js';
export type {
  ToxicityOptions,
  ToxicityThreshold,
  ToxicityThresholds,
  ToxicityCategory,
  ToxicityResult,
  ToxicityScores,
  ToxicitySpan,
  Normalized,
} from './detectors/toxicity/index.js';
export {
  loadConfig,
  parseConfig,
  createBreakers,
  watchConfig,
  configSchema,
  configJsonSchema,
  builtinDetectors,
  detectorRegistry,
  ConfigError,
  isConfigError,
  formatIssue,
} from './config/index.js';
export type {
  BreakerBinding,
  BreakerBindings,
  BreakerConfig,
  BreakerSet,
  ConfigIssue,
  ConfigWatcher,
  CreateBreakersOptions,
  DetectorFactory,
  DetectorRegistry,
  LoadConfigOptions,
  ReloadResult,
  ReloadTrigger,
  SafetyBreakerConfig,
  SafetyBreakerConfigInput,
  WatchConfigOptions,
} from './config/index.js';
export type { ReconfigureOptions } from './guard.js';
export { createRecorder, type RecordedCall, type RecorderOptions, type TrafficRecorder } from './traffic/record.js';
export {
  formatTrafficLine,
  parseTrafficLine,
  TrafficLineError,
  type TrafficError,
  type TrafficLine,
  type TrafficRouteResult,
} from './traffic/format.js';
export {
  Replay,
  type BreakerReplayReport,
  type ReplayOptions,
  type ReplayReport,
  type TripReport,
} from './traffic/replay.js';
export {
  builtinScenarios,
  generateTraffic,
  scenarioSchema,
  type Scenario,
  type ScenarioInput,
} from './traffic/scenarios.js';
