/**
 * Notifiers from the config file's shape. Secrets are never in the file: each entry names the
 * environment variable that holds its key or URL, read when the notifiers are built.
 *
 * ```yaml
 * notifiers:
 *   - { type: pagerduty, routingKeyEnv: PD_ROUTING_KEY }
 *   - { type: slack, urlEnv: SLACK_WEBHOOK_URL }
 *   - { type: opsgenie, apiKeyEnv: OPSGENIE_API_KEY, region: eu }
 *   - { type: webhook, url: https://hooks.example.com/incidents, secretEnv: WEBHOOK_SECRET }
 * ```
 */
import {
  array,
  object,
  oneOf,
  optional,
  refine,
  string,
  tagged,
  validate,
  type Issue,
  type OutputOf,
} from '../../rules/index.js';
import { opsgenie } from './opsgenie.js';
import { pagerDuty } from './pagerduty.js';
import { httpUrl, isHttpUrl, notifierName } from './rules.js';
import { slack } from './slack.js';
import type { Notifier } from './types.js';
import { webhook } from './webhook.js';

/** The name of an environment variable, not its value. */
const envName = string({
  min: 1,
  max: 200,
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  patternMessage: 'must be an environment variable name (letters, digits and _, not starting with a digit)',
});

/** One entry of `notifiers:`; the config file's schema can take this rule as it is. */
export const notifierEntryRule = tagged('type', {
  pagerduty: object({
    name: notifierName,
    routingKeyEnv: envName,
    url: optional(httpUrl),
    source: optional(string({ min: 1, max: 255 })),
  }),
  slack: object({ name: notifierName, urlEnv: envName }),
  opsgenie: object({
    name: notifierName,
    apiKeyEnv: envName,
    region: optional(oneOf(['us', 'eu'])),
    baseUrl: optional(httpUrl),
    tags: optional(array(string({ min: 1, max: 50 }), { max: 20 })),
  }),
  webhook: refine(
    object({ name: notifierName, url: optional(httpUrl), urlEnv: optional(envName), secretEnv: envName }),
    (w) => (w.url === undefined) !== (w.urlEnv === undefined),
    'needs exactly one of url and urlEnv',
  ),
});
export type NotifierEntry = OutputOf<typeof notifierEntryRule>;

export const notifierEntriesRule = array(notifierEntryRule, { max: 50 });

/**
 * Builds the notifiers `entries` describe, reading their secrets from `env`. Throws a TypeError
 * naming every bad entry, e.g. `notifiers[1].urlEnv: environment variable SLACK_WEBHOOK_URL is not
 * set`; a secret's value never appears in a message. Unnamed notifiers are named by type
 * (`slack`, then `slack-2`, …).
 */
export function notifiersFromConfig(
  entries: unknown,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Notifier[] {
  const checked = validate(notifierEntriesRule, entries);
  if (!checked.ok) throw new TypeError(checked.issues.map(formatIssue).join('; '));
  const issues: Issue[] = [];
  const read = (index: number, key: string, variable: string, url = false): string => {
    // Trimmed: a secret mounted from a file often ends in a newline.
    const value = env[variable]?.trim();
    const path = [index, key];
    if (value === undefined || value === '')
      issues.push({ path, message: `environment variable ${variable} is not set` });
    else if (url && !isHttpUrl(value))
      issues.push({ path, message: `environment variable ${variable} does not hold an http(s) URL` });
    return value ?? '';
  };
  const names = new Map<string, number>();
  const named = (entry: NotifierEntry, index: number): string => {
    if (entry.name !== undefined) {
      if (names.has(entry.name))
        issues.push({
          path: [index, 'name'],
          message: `"${entry.name}" is used by notifiers[${names.get(entry.name)}]`,
        });
      names.set(entry.name, index);
      return entry.name;
    }
    let name: string = entry.type;
    for (let n = 2; names.has(name); n++) name = `${entry.type}-${n}`;
    names.set(name, index);
    return name;
  };
  const built = checked.value.map((entry, i): (() => Notifier) => {
    const name = named(entry, i);
    switch (entry.type) {
      case 'pagerduty': {
        const routingKey = read(i, 'routingKeyEnv', entry.routingKeyEnv);
        return () => pagerDuty({ name, routingKey, url: entry.url, source: entry.source });
      }
      case 'slack': {
        const url = read(i, 'urlEnv', entry.urlEnv, true);
        return () => slack({ name, url });
      }
      case 'opsgenie': {
        const apiKey = read(i, 'apiKeyEnv', entry.apiKeyEnv);
        return () => opsgenie({ name, apiKey, region: entry.region, baseUrl: entry.baseUrl, tags: entry.tags });
      }
      case 'webhook': {
        const url = entry.url ?? read(i, 'urlEnv', entry.urlEnv!, true);
        const secret = read(i, 'secretEnv', entry.secretEnv);
        return () => webhook({ name, url, secret });
      }
    }
  });
  if (issues.length > 0) throw new TypeError(issues.map(formatIssue).join('; '));
  return built.map((make) => make());
}

/** `notifiers[1].urlEnv: …`: the path as it reads in the config file. */
function formatIssue(issue: Issue): string {
  const path = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
  if (issue.unknownKeys) return `notifiers${path}: unknown keys ${issue.unknownKeys.map((k) => `"${k}"`).join(', ')}`;
  return `notifiers${path}: ${issue.message}`;
}
