/**
 * Slack incoming webhook: one message when an incident opens and one when it closes. Slack
 * answers 200 `ok`; 400 `invalid_payload`, 403 `action_prohibited`, 404 `channel_not_found` or
 * `no_service` and 410 `channel_is_archived` are not retried; 429 (with `Retry-After`) and 5xx are.
 * Slack does not deduplicate: a retry after a timeout whose request did arrive posts twice.
 */
import { object, type ObjectInput } from '../../rules/index.js';
import { parseOptions } from '../../validation.js';
import type { IncidentNotice } from '../notice.js';
import { detailLines } from './format.js';
import { post } from './http.js';
import { httpUrl, notifierName } from './rules.js';
import type { Notifier } from './types.js';

const rule = object({
  /** The webhook URL (`https://hooks.slack.com/services/…`): it is the credential, so keep it in an environment variable. */
  url: httpUrl,
  /** Default `slack`. */
  name: notifierName,
});
export type SlackOptions = ObjectInput<typeof rule.shape>;

export function slack(options: SlackOptions): Notifier {
  const o = parseOptions(rule, options, 'slack()');
  return {
    name: o.name ?? 'slack',
    send: (notice, signal) => post(o.url, JSON.stringify(slackMessage(notice)), {}, signal),
  };
}

/** The message body: `text` in Slack's mrkdwn, with the title escaped as Slack asks. */
export function slackMessage(notice: IncidentNotice): { text: string } {
  const { incident } = notice;
  const head =
    notice.event === 'trigger'
      ? `:rotating_light: *${incident.severity} incident opened*: ${escape(incident.title)}`
      : `:white_check_mark: *Incident resolved*: ${escape(incident.title)}`;
  return { text: [head, ...detailLines(notice).map(escape)].join('\n') };
}

/** Slack reads `&`, `<` and `>` as markup: escaped, a title cannot mention a channel or fake a link. */
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
