/**
 * Opsgenie Alert API: create an alert whose alias is the incident id when an incident opens,
 * close it by alias when the incident closes. Opsgenie processes both asynchronously and answers
 * 202 with a `requestId`; 4xx other than 429 (bad key, invalid body) are not retried.
 */
import { array, object, oneOf, optional, string, withDefault, type ObjectInput } from '../../rules/index.js';
import { parseOptions } from '../../validation.js';
import type { IncidentNotice, Severity } from '../notice.js';
import { clip, detailLines, incidentKey } from './format.js';
import { post } from './http.js';
import { httpUrl, notifierName, secret } from './rules.js';
import type { Notifier } from './types.js';

/** Opsgenie's API hosts: an EU account must use the EU one. */
export const OPSGENIE_API = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

const rule = object({
  /** The API key of an API integration (it may create and close alerts). */
  apiKey: secret,
  /** Default `opsgenie`. */
  name: notifierName,
  /** `us` (default) or `eu`: which of {@link OPSGENIE_API} to call. */
  region: withDefault(oneOf(['us', 'eu']), 'us'),
  /** Overrides `region` (a proxy, a test server). */
  baseUrl: optional(httpUrl),
  /** Extra tags on every alert (besides `safety-breaker` and the severity). */
  tags: optional(array(string({ min: 1, max: 50 }), { max: 20 })),
});
export type OpsgenieOptions = ObjectInput<typeof rule.shape>;

const PRIORITY: Record<Severity, 'P1' | 'P2' | 'P3' | 'P4'> = { SEV1: 'P1', SEV2: 'P2', SEV3: 'P3', SEV4: 'P4' };
/** Opsgenie's limits on `alias` and `message`. */
const ALIAS_MAX = 512;
const MESSAGE_MAX = 130;

/** The alert alias of an incident: its id (hashed when longer than Opsgenie allows). */
export const opsgenieAlias = (incidentId: string): string => incidentKey(incidentId, ALIAS_MAX);

export function opsgenie(options: OpsgenieOptions): Notifier {
  const o = parseOptions(rule, options, 'opsgenie()');
  const base = (o.baseUrl ?? OPSGENIE_API[o.region]).replace(/\/+$/, '');
  const headers = { authorization: `GenieKey ${o.apiKey}` };
  return {
    name: o.name ?? 'opsgenie',
    send(notice, signal) {
      const alias = opsgenieAlias(notice.incident.id);
      if (notice.event === 'resolve') {
        const url = `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`;
        return post(url, JSON.stringify(opsgenieClose(notice)), headers, signal);
      }
      return post(`${base}/v2/alerts`, JSON.stringify(opsgenieAlert(notice, o.tags ?? [])), headers, signal);
    },
  };
}

/** The create-alert body. */
export function opsgenieAlert(notice: IncidentNotice, tags: readonly string[]): object {
  const { incident } = notice;
  return {
    message: clip(incident.title, MESSAGE_MAX),
    alias: opsgenieAlias(incident.id),
    description: detailLines(notice).join('\n'),
    priority: PRIORITY[incident.severity],
    source: 'safety-breaker',
    entity: incident.breaker,
    tags: ['safety-breaker', incident.severity, ...tags],
    details: { incident: incident.id, breaker: incident.breaker, severity: incident.severity },
  };
}

/** The close-alert body. */
export function opsgenieClose(notice: IncidentNotice): object {
  const at = notice.incident.recoveredAt;
  return { source: 'safety-breaker', note: at ? `Recovered at ${at}` : 'Recovered' };
}
