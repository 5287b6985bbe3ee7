/** Config files, binding code to breaker names, and hot reload. */
export { loadConfig, parseConfig, type LoadConfigOptions } from './load.js';
export {
  configSchema,
  configJsonSchema,
  type BreakerConfig,
  type SafetyBreakerConfig,
  type SafetyBreakerConfigInput,
} from './schema.js';
export {
  createBreakers,
  type BreakerBinding,
  type BreakerBindings,
  type BreakerSet,
  type CreateBreakersOptions,
} from './bind.js';
export {
  watchConfig,
  type ConfigWatcher,
  type ReloadResult,
  type ReloadTrigger,
  type WatchConfigOptions,
} from './watch.js';
export { builtinDetectors, detectorRegistry, type DetectorFactory, type DetectorRegistry } from './detectors.js';
export { ConfigError, formatIssue, isConfigError, type ConfigIssue } from './errors.js';
