/**
 * A generic webhook: POSTs the incident as JSON, signed (see signature.ts) so the receiver can
 * check it came from you and is fresh. Any 2xx is success; 408, 429 and 5xx are retried, other
 * 4xx are not. Every attempt is signed anew (a fresh `t`); the delivery id stays the same across
 * retries, so a receiver can drop a duplicate.
 */
import { array, object, union, type ObjectInput } from '../../rules/index.js';
import { parseOptions } from '../../validation.js';
import type { IncidentNotice } from '../notice.js';
import { post } from './http.js';
import { httpUrl, notifierName, secret } from './rules.js';
import { SIGNATURE_HEADER, signWebhookPayload } from './signature.js';
import type { Notifier } from './types.js';

/** Names the delivery: `<incident id>:<trigger|resolve>`, the same on every retry. */
export const DELIVERY_HEADER = 'safety-breaker-delivery';

const rule = object({
  url: httpUrl,
  /** The signing secret; a list while rotating (every one signs, the receiver accepts any). */
  secret: union([secret, array(secret, { min: 1, max: 5 })]),
  /** Default `webhook`. */
  name: notifierName,
});
export type WebhookOptions = ObjectInput<typeof rule.shape>;

/** What the receiver gets: the event and the incident summary. */
export interface WebhookBody {
  readonly type: 'incident.trigger' | 'incident.resolve';
  readonly delivery: string;
  readonly incident: IncidentNotice['incident'];
  /** When this attempt was sent (ISO 8601). */
  readonly sentAt: string;
}

export function webhook(options: WebhookOptions): Notifier {
  const o = parseOptions(rule, options, 'webhook()');
  return {
    name: o.name ?? 'webhook',
    send(notice, signal) {
      const now = Date.now();
      const delivery = `${notice.incident.id}:${notice.event}`;
      const body: WebhookBody = {
        type: `incident.${notice.event}`,
        delivery,
        incident: notice.incident,
        sentAt: new Date(now).toISOString(),
      };
      const text = JSON.stringify(body);
      const headers = {
        [SIGNATURE_HEADER]: signWebhookPayload(text, o.secret, Math.floor(now / 1000)),
        [DELIVERY_HEADER]: delivery,
      };
      return post(o.url, text, headers, signal);
    },
  };
}
