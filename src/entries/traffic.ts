/**
 * `safety-breaker/traffic`: record live traffic, the traffic-log line format, replay a config over
 * recorded traffic in virtual time, and the drill scenarios. See docs/cli.md.
 */
export { createRecorder, type RecordedCall, type RecorderOptions, type TrafficRecorder } from '../traffic/record.js';
export {
  formatTrafficLine,
  parseTrafficLine,
  TrafficLineError,
  type TrafficError,
  type TrafficLine,
  type TrafficRouteResult,
} from '../traffic/format.js';
export {
  Replay,
  type BreakerReplayReport,
  type ReplayOptions,
  type ReplayReport,
  type TripReport,
} from '../traffic/replay.js';
export {
  builtinScenarios,
  generateTraffic,
  scenarioSchema,
  type Scenario,
  type ScenarioInput,
} from '../traffic/scenarios.js';
