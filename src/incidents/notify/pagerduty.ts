/**
 * PagerDuty Events API v2: a trigger event when an incident opens, a resolve event with the same
 * `dedup_key` when it closes. The endpoint answers 202 when it accepts an event, 400 for an
 * invalid one (not retried), 429 when rate-limited and 5xx when it is in trouble (both retried).
 */
import { hostname } from 'node:os';
import { object, optional, string, type ObjectInput } from '../../rules/index.js';
import { parseOptions } from '../../validation.js';
import type { IncidentNotice, Severity } from '../notice.js';
import { post } from './http.js';
import { clip, incidentKey } from './format.js';
import { httpUrl, notifierName, secret } from './rules.js';
import type { Notifier } from './types.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const rule = object({
  /** The integration key of an Events API v2 integration on the service. */
  routingKey: secret,
  /** Default `pagerduty`. */
  name: notifierName,
  /** Default {@link PAGERDUTY_EVENTS_URL}. */
  url: optional(httpUrl),
  /** `payload.source`: where the problem is. Default: this host's name. */
  source: optional(string({ min: 1, max: 255 })),
});
export type PagerDutyOptions = ObjectInput<typeof rule.shape>;

/** PagerDuty's four severities, from SEV1 down. */
const SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  SEV1: 'critical',
  SEV2: 'error',
  SEV3: 'warning',
  SEV4: 'info',
};

/** PagerDuty's limits on `dedup_key` and `payload.summary`. */
const DEDUP_KEY_MAX = 255;
const SUMMARY_MAX = 1024;

/** The dedup key of an incident: `safety-breaker:<incident id>` (hashed when the id is long). */
export const pagerDutyDedupKey = (incidentId: string): string =>
  incidentKey(incidentId, DEDUP_KEY_MAX, 'safety-breaker:');

export function pagerDuty(options: PagerDutyOptions): Notifier {
  const o = parseOptions(rule, options, 'pagerDuty()');
  const url = o.url ?? PAGERDUTY_EVENTS_URL;
  const source = o.source ?? hostname();
  return {
    name: o.name ?? 'pagerduty',
    send: (notice, signal) => post(url, JSON.stringify(pagerDutyEvent(notice, o.routingKey, source)), {}, signal),
  };
}

/** The Events API v2 body for one notice. */
export function pagerDutyEvent(notice: IncidentNotice, routingKey: string, source: string): object {
  const { incident } = notice;
  const dedup_key = pagerDutyDedupKey(incident.id);
  if (notice.event === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    client: 'safety-breaker',
    payload: {
      summary: clip(incident.title, SUMMARY_MAX),
      source,
      severity: SEVERITY[incident.severity],
      timestamp: incident.detectedAt,
      component: incident.breaker,
      class: 'ai-safety',
      custom_details: { incident: incident.id, breaker: incident.breaker, severity: incident.severity },
    },
  };
}
