/**
 * `safety-breaker/incidents`: an incident record for every trip and forced open, time to detect
 * and to recover, reporting deadlines, a durable JSON-lines log, and post-mortem drafts
 * (docs/incidents.md).
 */
export {
  incidents,
  type AttachableBreaker,
  type DurationStats,
  type IncidentEvents,
  type IncidentLog,
  type IncidentStats,
  type IncidentsOptions,
} from '../incidents/log.js';
export type { IncidentNotice, IncidentNotify, IncidentSummary, Severity } from '../incidents/notice.js';
export {
  DEFAULT_LOG_PATH,
  DEFAULT_SEVERITY_RULES,
  incidentSettingsSchema,
  type IncidentSettings,
  type IncidentSettingsInput,
  type SeverityRule,
  type ClockSetting,
} from '../incidents/options.js';
export type {
  EvidenceSample,
  IncidentCalls,
  IncidentCause,
  IncidentRecord,
  ManualAction,
  ReportClock,
  Resolution,
  TimelineEntry,
  TimelineEvent,
} from '../incidents/record.js';
export { fileSink, memorySink, readIncidentLog, type IncidentSink, type SkippedLine } from '../incidents/sink.js';
export { postmortemDraft, postmortemMarkdown, type PostmortemDraft } from '../incidents/postmortem.js';
