/** Severity from what tripped the breaker: the policy, how far over its threshold, the share of bad calls. */
import type { TripDecision } from '../breaker/policies/types.js';
import type { Severity } from './notice.js';
import type { IncidentSettings } from './options.js';
import type { IncidentCause } from './record.js';
import { SEVERITIES } from './record.js';

/** The cause of a trip with its distance over the threshold and its share of bad calls, where the numbers say. */
export function causeOf(d: TripDecision): IncidentCause {
  const n = d.details;
  const ratio = n.ratio ?? (n.bad !== undefined && n.calls ? n.bad / n.calls : undefined);
  const over =
    n.ratio !== undefined && n.threshold
      ? n.ratio / n.threshold
      : n.latencyMs !== undefined && n.thresholdMs
        ? n.latencyMs / n.thresholdMs
        : n.statistic !== undefined && n.threshold
          ? n.statistic / n.threshold
          : undefined;
  return {
    policy: d.policy,
    reason: d.reason,
    details: { ...n },
    ...(over !== undefined && Number.isFinite(over) && { over }),
    ...(ratio !== undefined && Number.isFinite(ratio) && { share: ratio }),
  };
}

/** The first matching rule's severity; SEV3 when no rule matches. */
export function severityOf(cause: IncidentCause, s: IncidentSettings['severity']): Severity {
  for (const rule of s.rules) {
    if (rule.policies && !rule.policies.includes(cause.policy)) continue;
    if (rule.minShare !== undefined && !(cause.share !== undefined && cause.share >= rule.minShare)) continue;
    if (rule.minOver !== undefined && !(cause.over !== undefined && cause.over >= rule.minOver)) continue;
    return rule.severity;
  }
  return 'SEV3';
}

/** The worse of two severities (SEV1 is the worst). */
export const worse = (a: Severity, b: Severity): Severity => (SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b);
