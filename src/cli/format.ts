/** Text reports for people (`--format json` prints the report objects as they are). */
import type { BreakerReplayReport, ReplayReport, TripReport } from '../traffic/replay.js';

const n = (x: number): string => x.toLocaleString('en-US');
const iso = (t: number): string => (Number.isFinite(t) ? new Date(t).toISOString().replace('.000Z', 'Z') : String(t));

/** 1h 02m, 3m 05s, 850 ms. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatReport(report: ReplayReport, title: string): string {
  const out: string[] = [];
  out.push(`${title} — ${n(report.lines)} lines, ${n(report.calls)} calls over ${duration(report.spanMs)} of traffic`);
  for (const b of Object.values(report.breakers)) out.push('', ...formatBreaker(b));
  for (const [name, count] of Object.entries(report.unknownBreakers))
    out.push('', `! ${n(count)} lines for breaker "${name}", which the config does not have (not replayed)`);
  if (report.outOfOrder > 0)
    out.push(
      '',
      `! ${n(report.outOfOrder)} lines start before an earlier line of the same breaker (replayed at the earlier time)`,
    );
  if (report.malformed.count > 0) {
    out.push('', `✗ ${n(report.malformed.count)} malformed lines (not replayed):`);
    for (const m of report.malformed.lines) out.push(`  line ${n(m.line)}: ${m.reason}`);
    if (report.malformed.count > report.malformed.lines.length)
      out.push(`  … and ${n(report.malformed.count - report.malformed.lines.length)} more`);
  }
  return out.join('\n');
}

function formatBreaker(b: BreakerReplayReport): string[] {
  const out = [`breaker ${b.breaker} (${b.mode})`];
  out.push(
    `  calls ${n(b.calls)}: primary ${n(b.servedByPrimary)} · fallback ${n(b.servedByFallback)} · exhausted ${n(b.exhausted)} · caller errors ${n(b.callerErrors)}`,
  );
  out.push(
    `  primary: flagged ${n(b.flagged)} · failed ${n(b.failed)} · probes ${n(b.probes)} · outputs blocked (all routes) ${n(b.blocked)}`,
  );
  out.push(`  flagged or unsafe outputs that reached users: ${n(b.unsafeReachedUsers)}`);
  out.push(
    b.firstFlagged
      ? `  first flagged: line ${n(b.firstFlagged.line)} at ${iso(b.firstFlagged.at)} (${b.firstFlagged.detectors.join(', ')})`
      : '  first flagged: none',
  );
  const trips = b.trips.length + b.tripsOmitted;
  const falseTrips = b.falseTrips === undefined ? '' : ` — false trips: ${b.falseTrips} (from ${n(b.labelled)} labels)`;
  out.push(`  trips: ${trips}${falseTrips}`);
  b.trips.forEach((t, i) => out.push(...formatTrip(t, i + 1)));
  if (b.tripsOmitted > 0) out.push(`    … and ${n(b.tripsOmitted)} more`);
  if (b.textRefs > 0) out.push(`  ! ${n(b.textRefs)} lines carry only a textRef: replayed with empty text`);
  out.push(`  end state: ${b.endState}`);
  return out;
}

function formatTrip(t: TripReport, i: number): string[] {
  const head = `    ${i}. ${iso(t.at)} line ${n(t.line)} — ${t.reopen ? 'reopened' : 'tripped'} by ${t.policy}: ${t.reason}${t.falseTrip ? '  [FALSE TRIP]' : ''}`;
  const parts = t.reopen
    ? []
    : [
        `onset ${iso(t.onsetAt)}`,
        `detected in ${duration(t.timeToDetectMs)}`,
        `${n(t.unsafeBeforeTrip)} unsafe outputs reached users before the trip`,
      ];
  parts.push(`${n(t.servedByFallback)} calls served by fallback`);
  parts.push(
    t.recoveredAt === undefined
      ? 'not recovered by the end of the log'
      : `recovered ${iso(t.recoveredAt)} (after ${duration(t.timeToRecoverMs!)})`,
  );
  return [head, `       ${parts.join(' · ')}`];
}

/** The same traffic under two configs, side by side. */
export function formatCompare(a: ReplayReport, b: ReplayReport, nameA: string, nameB: string): string {
  const rows: [string, string, string][] = [['', nameA, nameB]];
  const names = [...new Set([...Object.keys(a.breakers), ...Object.keys(b.breakers)])];
  for (const name of names) {
    const x = a.breakers[name];
    const y = b.breakers[name];
    rows.push([`breaker ${name}`, x ? x.mode : '(absent)', y ? y.mode : '(absent)']);
    const metric = (label: string, f: (r: BreakerReplayReport) => string) =>
      rows.push([`  ${label}`, x ? f(x) : '-', y ? f(y) : '-']);
    metric('trips', (r) => n(r.trips.length + r.tripsOmitted));
    metric('false trips', (r) => (r.falseTrips === undefined ? 'n/a' : n(r.falseTrips)));
    metric('first trip', (r) => (r.trips[0] ? `${iso(r.trips[0].at)} (line ${n(r.trips[0].line)})` : 'none'));
    metric('median time to detect', (r) => median(r.trips.filter((t) => !t.reopen).map((t) => t.timeToDetectMs)));
    metric('median time to recover', (r) =>
      median(r.trips.filter((t) => t.timeToRecoverMs !== undefined).map((t) => t.timeToRecoverMs!)),
    );
    metric('unsafe reached users', (r) => n(r.unsafeReachedUsers));
    metric('served by fallback', (r) => n(r.servedByFallback));
    metric('exhausted', (r) => n(r.exhausted));
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function median(xs: number[]): string {
  if (xs.length === 0) return 'n/a';
  const s = [...xs].sort((p, q) => p - q);
  return duration(s[Math.floor(s.length / 2)]!);
}
