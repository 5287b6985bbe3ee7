/** The incident record: what happened to one breaker from its trip (or forced open) until it closed for good. */
import type { IncidentSummary, Severity } from './notice.js';

export const SEVERITIES: readonly Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];

/** How an incident ended. */
export type Resolution =
  /** Half-open probes passed and the breaker closed on its own. */
  | 'recovered'
  /** An operator reset the breaker (`reset()`, the admin route). */
  | 'reset'
  /** The breaker was set to `disabled`: safety-breaker left the call path. */
  | 'disabled'
  /** A shadow incident ended because the breaker was switched to enforce (which starts it from closed) or forced open. */
  | 'mode-change'
  /** After a restart the breaker came back closed (no store restored its open state). */
  | 'restart';

export type TimelineEvent =
  | 'onset'
  | 'detected'
  | 'contained'
  | 'reopened'
  | 'forced-open'
  | 'half-open'
  | 'probe'
  | 'probe-suite'
  | 'action'
  | 'severity'
  | 'report-due'
  | 'restart'
  | 'closed';

export interface TimelineEntry {
  /** ISO 8601. */
  readonly at: string;
  readonly event: TimelineEvent;
  readonly detail: string;
  readonly actor?: string;
}

/** A manual action during the incident: who, what, why. */
export interface ManualAction {
  readonly at: string;
  /** `force-open`, `reset`, `set-mode`, `reconfigure`, `restore`. */
  readonly action: string;
  /** Unknown when the caller did not say (`forceOpen(reason)` without `{ actor }`). */
  readonly actor?: string;
  readonly reason?: string;
  readonly from?: string;
  readonly to?: string;
}

/** Calls of the guarded function from detection to close, as the guard counts them (`stats().calls`). */
export interface IncidentCalls {
  /** Calls that started after detection. */
  readonly total: number;
  /** Calls the primary did not serve (a fallback, the safe reply, or an error), the call that tripped it included. */
  readonly affected: number;
  readonly servedByPrimary: number;
  readonly servedByFallback: number;
  readonly servedBySafeReply: number;
  /** Calls the breaker kept from the primary (open, forced open, no probe slot). */
  readonly rejected: number;
  /** Outputs blocked by a detector (any route). */
  readonly blocked: number;
  /** Primary (and probe) calls that failed. */
  readonly failed: number;
  /** Calls no route served (the safe reply, or an error). */
  readonly exhausted: number;
}

/** What tripped the breaker. */
export interface IncidentCause {
  /** `forced-open` for the kill switch, else the trip policy (or window detector) that decided. */
  readonly policy: string;
  readonly reason: string;
  /** The numbers behind the reason. */
  readonly details: Readonly<Record<string, number>>;
  /** How far over its threshold (1 = at it), when the numbers say. */
  readonly over?: number;
  /** Share of the calls in the tripping window that were bad, when the numbers say. */
  readonly share?: number;
}

/** A reporting deadline (internal or regulatory) that started when the incident was detected. */
export interface ReportClock {
  readonly name: string;
  readonly kind: 'internal' | 'regulatory';
  readonly dueAt: string;
  readonly description?: string;
  /** When the warning (`report-due`) fired. */
  warnedAt?: string;
  /** When the deadline passed unfiled (`report-overdue` fired). */
  overdueAt?: string;
  filedAt?: string;
  filedBy?: string;
}

/** One flagged output (redacted) and the call it answered. Sampled only with `evidence.enabled`. */
export interface EvidenceSample {
  readonly at: string;
  readonly route: string;
  readonly detectors: readonly string[];
  readonly scores: Readonly<Record<string, number>>;
  /** The output's text, redacted and cut to `evidence.maxChars`. */
  readonly output: string;
  /** The call's request, as `evidence.request(args, context)` describes it, redacted and cut; else the call's context. */
  readonly request: string;
}

export interface IncidentRecord extends IncidentSummary {
  readonly id: string;
  readonly breaker: string;
  severity: Severity;
  title: string;
  status: 'open' | 'closed';
  readonly trigger: 'trip' | 'forced-open';
  /** Opened in shadow mode: nothing was contained, nobody is paged. */
  readonly shadow: boolean;
  readonly cause: IncidentCause;
  /** Trips during the incident (the first one and each re-open after a failed probe). */
  trips: number;
  /** ISO 8601 times. The estimated onset (CUSUM's change point) only where the policy gives one. */
  readonly onsetAt?: string;
  /** `policy`: the trip policy's change point (CUSUM); `estimate`: given at attach (a drill's first bad call). */
  readonly onsetSource?: 'policy' | 'estimate';
  readonly detectedAt: string;
  containedAt?: string;
  recoveredAt?: string;
  resolution?: Resolution;
  /** Time to detect, onset → detected (only with an onset estimate). */
  readonly mttdSeconds?: number;
  /** Time to contain, detected → contained. */
  ttcSeconds?: number;
  /** Time to recover, detected → recovered. */
  mttrSeconds?: number;
  calls: IncidentCalls;
  timeline: TimelineEntry[];
  /** Timeline entries left out past the bound (the close is always kept). */
  timelineOmitted: number;
  actions: ManualAction[];
  reports: ReportClock[];
  evidence: EvidenceSample[];
  evidenceOmitted: number;
}

export const NO_CALLS: IncidentCalls = Object.freeze({
  total: 0,
  affected: 0,
  servedByPrimary: 0,
  servedByFallback: 0,
  servedBySafeReply: 0,
  rejected: 0,
  blocked: 0,
  failed: 0,
  exhausted: 0,
});

export const iso = (ms: number): string => new Date(ms).toISOString();
export const seconds = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;
/** `text` on one line: each run of whitespace holding a line break becomes one space (a title, a Markdown line). */
export const oneLine = (text: string): string => text.replace(/\s*[\r\n\u2028\u2029]\s*/g, ' ');

/** The fields a notifier needs, and nothing more (no evidence). */
export function summaryOf(r: IncidentRecord): IncidentSummary {
  return {
    id: r.id,
    breaker: r.breaker,
    severity: r.severity,
    title: r.title,
    detectedAt: r.detectedAt,
    ...(r.recoveredAt !== undefined && { recoveredAt: r.recoveredAt }),
  };
}

/** Checks a record read back from a log: the fields the log and the post-mortem rely on. */
export function isIncidentRecord(v: unknown): v is IncidentRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.breaker === 'string' &&
    SEVERITIES.includes(r.severity as Severity) &&
    (r.status === 'open' || r.status === 'closed') &&
    typeof r.detectedAt === 'string' &&
    !Number.isNaN(Date.parse(r.detectedAt)) &&
    Array.isArray(r.timeline) &&
    Array.isArray(r.actions) &&
    typeof r.calls === 'object' &&
    r.calls !== null &&
    typeof r.cause === 'object' &&
    r.cause !== null
  );
}
