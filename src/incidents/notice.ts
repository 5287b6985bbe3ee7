/**
 * The seam between incident records and the notifiers that page the on-call. The incident log
 * (src/incidents/) calls `notify()` when an incident opens and when it closes; a notify queue
 * (src/incidents/notify/) delivers off the call path. Either side may add optional fields.
 */

/** Severity tiers, SEV1 the worst. */
export type Severity = 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';

/** What a notifier needs to know about an incident (an incident record satisfies it). */
export interface IncidentSummary {
  /** Stable for the incident's whole life: notifiers derive their dedup keys from it. */
  readonly id: string;
  /** The breaker's name. */
  readonly breaker: string;
  readonly severity: Severity;
  /** One line for a page title, e.g. "chat: toxicity 12 % over 5 % (wilson)". */
  readonly title: string;
  /** ISO 8601 times. */
  readonly detectedAt: string;
  readonly recoveredAt?: string;
}

/** One message to the on-call: an incident opened (trigger) or closed (resolve). */
export interface IncidentNotice {
  readonly event: 'trigger' | 'resolve';
  readonly incident: IncidentSummary;
}

/** Takes notices and delivers them later; never throws and never waits on the network. */
export interface IncidentNotify {
  notify(notice: IncidentNotice): void;
  /** Delivers what is queued (bounded by the queue's own deadline), then stops. */
  close(): Promise<void>;
}
