/**
 * `safety-breaker/notify`: notifiers that page the on-call when an incident opens and closes
 * (PagerDuty, Slack, Opsgenie, a signed webhook), the queue that delivers them off the call path,
 * and the receiver's signature check. See docs/notifiers.md.
 */
export type { IncidentNotice, IncidentNotify, IncidentSummary, Severity } from '../incidents/notice.js';
export { createNotifyQueue, type NotifyQueueOptions } from '../incidents/notify/queue.js';
export { NotifyDeliveryError, type FailureReason, type Notifier } from '../incidents/notify/types.js';
export {
  pagerDuty,
  pagerDutyDedupKey,
  PAGERDUTY_EVENTS_URL,
  type PagerDutyOptions,
} from '../incidents/notify/pagerduty.js';
export { slack, type SlackOptions } from '../incidents/notify/slack.js';
export { opsgenie, opsgenieAlias, OPSGENIE_API, type OpsgenieOptions } from '../incidents/notify/opsgenie.js';
export { webhook, DELIVERY_HEADER, type WebhookBody, type WebhookOptions } from '../incidents/notify/webhook.js';
export {
  signWebhookPayload,
  verifyWebhookSignature,
  SIGNATURE_HEADER,
  type VerifyWebhookOptions,
  type WebhookVerification,
} from '../incidents/notify/signature.js';
export { notifiersFromConfig, type NotifierEntry } from '../incidents/notify/config.js';
export { NOTIFY_DELIVERY_BUCKETS, type DropReason } from '../incidents/notify/metrics.js';
