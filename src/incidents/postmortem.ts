/**
 * A blameless post-mortem draft from an incident record: what the record knows (summary, impact,
 * timeline, the trigger's numbers, time to detect, contain and recover), and the sections only
 * people can write (contributing factors, 5 whys, action items), left to fill in.
 */
import { oneLine, type IncidentRecord, type TimelineEntry } from './record.js';

/** The post-mortem as data (`--format json`): the record's facts and the sections to fill in. */
export interface PostmortemDraft {
  readonly incident: string;
  readonly breaker: string;
  readonly title: string;
  readonly severity: string;
  readonly status: string;
  readonly summary: string;
  readonly times: {
    readonly onsetAt?: string;
    readonly detectedAt: string;
    readonly containedAt?: string;
    readonly recoveredAt?: string;
    readonly mttdSeconds?: number;
    readonly ttcSeconds?: number;
    readonly mttrSeconds?: number;
  };
  readonly impact: IncidentRecord['calls'];
  readonly trigger: IncidentRecord['cause'];
  readonly timeline: readonly TimelineEntry[];
  readonly actions: IncidentRecord['actions'];
  readonly reports: IncidentRecord['reports'];
  readonly evidence: IncidentRecord['evidence'];
  /** To fill in. */
  readonly contributingFactors: string[];
  readonly fiveWhys: string[];
  readonly actionItems: { action: string; owner: string; due: string }[];
}

/** Durations as people read them: `850 ms`, `42 s`, `3 min 5 s`, `2 h 10 min`. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  if (m < 48 * 60) return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
}

const RESOLUTIONS: Record<string, string> = {
  recovered: 'half-open probes passed and the breaker closed on its own',
  reset: 'an operator reset the breaker',
  disabled: 'the breaker was disabled (safety-breaker left the call path)',
  'mode-change': 'the shadow breaker was switched to enforce or forced open',
  restart: 'the process restarted and the breaker came back closed',
};

export function postmortemDraft(r: IncidentRecord): PostmortemDraft {
  const how =
    r.trigger === 'forced-open'
      ? `was forced open (${r.cause.reason})`
      : `tripped on its ${r.cause.policy} policy${r.shadow ? ' in shadow mode (traffic did not move)' : ''}: ${r.cause.reason}`;
  const contained =
    r.ttcSeconds !== undefined
      ? ` Fallbacks served from ${formatDuration(r.ttcSeconds)} after detection.`
      : r.shadow
        ? ''
        : ' No call was served by a fallback or the safe reply.';
  const end =
    r.status === 'closed'
      ? ` It ended ${formatDuration(r.mttrSeconds ?? 0)} after detection: ${RESOLUTIONS[r.resolution ?? 'recovered']}.`
      : ' It is still open.';
  const reopened = r.trips > 1 ? ` It re-opened ${r.trips - 1} time(s) after failed probes.` : '';
  return {
    incident: r.id,
    breaker: r.breaker,
    title: r.title,
    severity: r.severity,
    status: r.status === 'closed' ? `closed (${r.resolution ?? 'recovered'})` : 'open',
    summary: `Breaker ${r.breaker} ${how}, detected at ${r.detectedAt}.${contained}${reopened}${end}`,
    times: {
      ...(r.onsetAt !== undefined && { onsetAt: r.onsetAt }),
      detectedAt: r.detectedAt,
      ...(r.containedAt !== undefined && { containedAt: r.containedAt }),
      ...(r.recoveredAt !== undefined && { recoveredAt: r.recoveredAt }),
      ...(r.mttdSeconds !== undefined && { mttdSeconds: r.mttdSeconds }),
      ...(r.ttcSeconds !== undefined && { ttcSeconds: r.ttcSeconds }),
      ...(r.mttrSeconds !== undefined && { mttrSeconds: r.mttrSeconds }),
    },
    impact: r.calls,
    trigger: r.cause,
    timeline: r.timeline,
    actions: r.actions,
    reports: r.reports,
    evidence: r.evidence,
    contributingFactors: [],
    fiveWhys: [],
    actionItems: [],
  };
}

/** Text safe in a Markdown table cell: one line, pipes escaped. */
const cell = (s: string | undefined): string => oneLine(s ?? '').replace(/\|/g, '\\|');
const time = (iso: string | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.000Z$|Z$/, ' UTC') : '—');

/** The draft as Markdown. */
export function postmortemMarkdown(r: IncidentRecord): string {
  const d = postmortemDraft(r);
  const t = d.times;
  const c = d.impact;
  const out: string[] = [];
  // The title, summary and trigger carry an operator's reason: one line each, so it cannot start a heading or a list.
  out.push(`# Post-mortem (draft): ${oneLine(d.title)}`, '');
  out.push(
    `> A blameless draft written by safety-breaker from incident \`${d.incident}\`. The facts below come from`,
    '> the incident record; the last three sections are for the people who review it. Ask what in the',
    '> system let this happen and what would have caught it sooner, not who is to blame.',
    '',
  );
  out.push('| | |', '|---|---|');
  out.push(`| Incident | \`${d.incident}\` |`, `| Breaker | ${cell(d.breaker)} |`, `| Severity | ${d.severity} |`);
  out.push(`| Status | ${d.status} |`);
  out.push(
    `| Time to detect (MTTD) | ${t.mttdSeconds !== undefined ? `${formatDuration(t.mttdSeconds)} (onset → detection)` : 'not measured: no onset estimate'} |`,
  );
  out.push(
    `| Time to contain | ${t.ttcSeconds !== undefined ? `${formatDuration(t.ttcSeconds)} (detection → first call served by a fallback or the safe reply)` : '—'} |`,
  );
  out.push(
    `| Time to recover (MTTR) | ${t.mttrSeconds !== undefined ? `${formatDuration(t.mttrSeconds)} (detection → closed)` : 'still open'} |`,
    '',
  );
  out.push('## Summary', '', oneLine(d.summary), '');
  out.push('## Impact', '');
  out.push(
    `- Calls started during the incident: ${c.total}. Not served by the primary model: ${c.affected} (the tripping call included).`,
  );
  out.push(`- Served by a fallback: ${c.servedByFallback}; by the safe reply: ${c.servedBySafeReply}.`);
  out.push(`- Ended in an error (no route could serve them): ${c.exhausted - c.servedBySafeReply}.`);
  out.push(
    `- Kept from the primary by the breaker: ${c.rejected}. Outputs blocked: ${c.blocked}. Calls failed: ${c.failed}.`,
  );
  out.push(
    '- Unsafe outputs that reached users before the trip are not in the record: replay the traffic of the',
    '  incident (`safety-breaker replay`) for that number.',
    '',
  );
  if (d.reports.length > 0) {
    out.push('### Reports due', '', '| report | kind | due | filed |', '|---|---|---|---|');
    for (const rep of d.reports)
      out.push(
        `| ${cell(rep.name)} | ${rep.kind} | ${time(rep.dueAt)} | ${rep.filedAt ? `${time(rep.filedAt)}${rep.filedBy ? ` by ${cell(rep.filedBy)}` : ''}` : 'not yet'} |`,
      );
    out.push('');
  }
  out.push('## Trigger', '', `${cell(d.trigger.policy)}: ${oneLine(d.trigger.reason)}`, '');
  const numbers = Object.entries(d.trigger.details);
  if (numbers.length > 0) {
    out.push('| number | value |', '|---|---|');
    for (const [k, v] of numbers) out.push(`| ${cell(k)} | ${Number.isInteger(v) ? v : Number(v.toPrecision(4))} |`);
    out.push('');
  }
  const facts = [
    d.trigger.over !== undefined && `${Number(d.trigger.over.toFixed(2))}× its threshold`,
    d.trigger.share !== undefined && `${(d.trigger.share * 100).toFixed(1)} % of the calls in the window were bad`,
  ].filter(Boolean);
  if (facts.length > 0) out.push(`Severity ${d.severity}: ${facts.join('; ')}.`, '');
  out.push('## Timeline (UTC)', '', '| time | event | what happened | by |', '|---|---|---|---|');
  for (const e of d.timeline) out.push(`| ${time(e.at)} | ${e.event} | ${cell(e.detail)} | ${cell(e.actor)} |`);
  if (r.timelineOmitted > 0) out.push(`| | | ${r.timelineOmitted} more entries left out (the record's bound) | |`);
  out.push('');
  if (d.actions.length > 0) {
    out.push('## Manual actions', '', '| time | action | by | reason |', '|---|---|---|---|');
    for (const a of d.actions)
      out.push(`| ${time(a.at)} | ${cell(a.action)} | ${cell(a.actor ?? 'not recorded')} | ${cell(a.reason)} |`);
    out.push('');
  }
  if (d.evidence.length > 0) {
    out.push('## Evidence (redacted samples)', '');
    for (const e of d.evidence)
      out.push(
        `- ${time(e.at)}, ${cell(e.route)}, flagged by ${e.detectors.join(', ')}: “${cell(e.output)}” (request: ${cell(e.request)})`,
      );
    if (r.evidenceOmitted > 0) out.push(`- ${r.evidenceOmitted} more samples left out (the record's bound)`);
    out.push('');
  }
  out.push(
    '## Contributing factors',
    '',
    '_To fill in: what made this possible (a model or prompt change, traffic shift, a threshold, a missing detector or fallback)?_',
    '',
  );
  out.push('## 5 whys', '');
  for (let i = 1; i <= 5; i++) out.push(`${i}. Why …? _To fill in._`);
  out.push('');
  out.push(
    '## Action items',
    '',
    '| action | owner | due | status |',
    '|---|---|---|---|',
    '| _To fill in (e.g. add this incident as a drill scenario with `expect:`)_ | | | |',
    '',
  );
  return out.join('\n');
}
