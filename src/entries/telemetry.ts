/**
 * `safety-breaker/telemetry`: a pino logger with the package's redaction paths, the PII redaction
 * it uses (emails, phone numbers, card numbers, …), and the histogram buckets of its metrics (for
 * recording rules and dashboards). See docs/logging.md and docs/metrics.md.
 */
export { createLogger, REDACT_PATHS, type CreateLoggerOptions, type Logger } from '../telemetry/logging.js';
export { redact, luhnValid, REDACTED, type RedactOptions } from '../telemetry/redact.js';
export {
  CALL_DURATION_BUCKETS,
  DETECTOR_DURATION_BUCKETS,
  type CallOutcome,
  type DetectorVerdict,
  type FallbackResult,
} from '../telemetry/metrics.js';
export type { TracingOptions } from '../telemetry/tracing.js';
