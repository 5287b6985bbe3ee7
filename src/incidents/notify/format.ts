/** Text and keys the notifiers derive from an incident, defined once. */
import { createHash } from 'node:crypto';
import type { IncidentNotice } from '../notice.js';

/**
 * A key derived from an incident id that fits `max` characters: the id itself (with `prefix`)
 * when it fits, else its SHA-256 in hex. The same id always gives the same key, so a resolve
 * finds the alert its trigger opened, and a retried trigger is deduplicated by the service.
 */
export function incidentKey(id: string, max: number, prefix = ''): string {
  const key = `${prefix}${id}`;
  return key.length <= max ? key : `${prefix}${createHash('sha256').update(id).digest('hex')}`;
}

export { clip } from '../clip.js';

/** The lines a human reads under the title: incident, breaker, severity and times. */
export function detailLines(notice: IncidentNotice): string[] {
  const { incident } = notice;
  return [
    `Incident: ${incident.id}`,
    `Breaker: ${incident.breaker}`,
    `Severity: ${incident.severity}`,
    `Detected: ${incident.detectedAt}`,
    ...(incident.recoveredAt ? [`Recovered: ${incident.recoveredAt}`] : []),
  ];
}
