/**
 * The incident log: one record per trip or forced open of an attached breaker, kept until the
 * breaker closes for good (a re-open after a failed probe is the same incident). It listens to
 * what the call path reports (src/call/observe.ts) and never slows a call: records are written
 * off the call path, notifiers hear of an incident only after its record is written.
 */
import { randomBytes } from 'node:crypto';
import type * as PromClient from 'prom-client';
import type { Transition } from '../breaker/state-machine.js';
import { guardInternals } from '../call/internals.js';
import type { Judgement } from '../call/judge.js';
import type { Happenings, Subscriber } from '../call/observe.js';
import type { CallCounts } from '../call/sinks.js';
import type { CallContext } from '../detectors/types.js';
import { TypedEmitter } from '../events.js';
import { describeError, isLogger, silentLogger, type Logger } from '../telemetry/logging.js';
import { redact } from '../telemetry/redact.js';
import { clip } from './clip.js';
import { incidentMetrics, type IncidentMetrics } from './metrics.js';
import type { IncidentNotify } from './notice.js';
import { DEFAULT_LOG_PATH, parseSettings, type IncidentSettings, type IncidentSettingsInput } from './options.js';
import {
  iso,
  NO_CALLS,
  oneLine,
  seconds,
  summaryOf,
  type IncidentCalls,
  type IncidentRecord,
  type ManualAction,
  type ReportClock,
  type Resolution,
  type TimelineEvent,
} from './record.js';
import { causeOf, severityOf, worse } from './severity.js';
import { fileSink, type IncidentSink } from './sink.js';

export interface IncidentsOptions extends IncidentSettingsInput {
  /** Where records go. Default: `fileSink(path)`, JSON lines in `path`. */
  readonly sink?: IncidentSink;
  /** Hears `trigger` when an incident opens and `resolve` when it closes (not for shadow incidents). */
  readonly notify?: IncidentNotify;
  /** Warnings (a write failed, a torn line skipped, a report due) go here. */
  readonly logger?: Logger;
  /** The app's prom-client registry for the incident metrics (docs/metrics.md). */
  readonly registry?: PromClient.Registry;
  /** Wall clock for reporting deadlines, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * What an evidence sample says about the request of a flagged output, from the call's context
   * (redacted and cut like the output). Default: the context as JSON.
   */
  readonly describeRequest?: (context: CallContext) => string;
}

/** What the log tells its listeners. */
export interface IncidentEvents {
  open: IncidentRecord;
  close: IncidentRecord;
  /** A reporting deadline is near (within its `warnBeforeMs`). */
  'report-due': { incident: IncidentRecord; report: ReportClock };
  /** A reporting deadline passed and the report is not filed. */
  'report-overdue': { incident: IncidentRecord; report: ReportClock };
}

/** Time to detect, contain or recover over the incidents of this process. */
export interface DurationStats {
  readonly count: number;
  readonly meanSeconds: number | undefined;
  readonly lastSeconds: number | undefined;
}

/** `stats().incidents` of an attached breaker, and `IncidentLog.stats()` per breaker. */
export interface IncidentStats {
  readonly open: { readonly id: string; readonly severity: string; readonly detectedAt: string } | undefined;
  /** Incidents opened in this process. */
  readonly opened: number;
  readonly mttd: DurationStats;
  readonly ttc: DurationStats;
  readonly mttr: DurationStats;
}

/** A guarded function as the log needs it (what `guard()` returns). */
export interface AttachableBreaker {
  readonly breakerName: string;
  readonly state: string;
  ready(): Promise<void>;
}

export interface AttachOptions {
  /**
   * An onset for trips whose policy gives none (only CUSUM estimates a change point): clock time
   * (ms) of the first bad call, as a replay or drill knows it. Recorded as an estimate.
   */
  readonly estimateOnset?: (detectedAt: number) => number | undefined;
}

export interface IncidentLog {
  /** Records the incidents of this breaker; returns the function that stops. Read-back open incidents of it continue. */
  attach(breaker: AttachableBreaker, options?: AttachOptions): () => void;
  /** Open incidents, then recent closed ones, newest first. */
  list(filter?: { readonly status?: 'open' | 'closed'; readonly breaker?: string }): IncidentRecord[];
  get(id: string): IncidentRecord | undefined;
  /** Per breaker: the open incident, and time to detect, contain and recover. */
  stats(): Record<string, IncidentStats>;
  /** Marks a report (a reporting clock) filed. Throws a `TypeError` for an unknown incident or report. */
  fileReport(id: string, report: string, by?: { readonly actor?: string }): IncidentRecord;
  /** Applies new settings (severity, clocks, evidence, bounds) to incidents opened from now on; `path` applies on restart. */
  reconfigure(settings: IncidentSettingsInput): void;
  on<K extends keyof IncidentEvents>(event: K, listener: (payload: IncidentEvents[K]) => void): () => void;
  /** Resolves once the log was read back (open incidents found, to continue). */
  ready(): Promise<void>;
  /** Resolves once every record so far is written. */
  flush(): Promise<void>;
  /** Detaches every breaker, writes what is pending, closes the sink and the notifier. */
  close(): Promise<void>;
}

/** An open incident and what its counts started from. */
interface Current {
  readonly rec: IncidentRecord;
  /** The breaker's call counts when this process took the incident up. */
  readonly base: CallCounts;
  /** Counts from before (another process, before a restart). */
  readonly before: IncidentCalls;
  rejected: number;
}

/** A flagged output seen while no incident was open: becomes evidence if one opens. */
interface Flagged {
  readonly at: number;
  readonly route: string;
  readonly detectors: string[];
  readonly scores: Record<string, number>;
  readonly text: string;
  readonly context: CallContext;
}

interface Track {
  readonly name: string;
  readonly estimateOnset: AttachOptions['estimateOnset'];
  readonly clock: () => number;
  readonly counts: () => CallCounts;
  current: Current | undefined;
  /** Actions reported just before the transition they cause (forceOpen → forced-open). */
  pending: ManualAction[];
  readonly flagged: Flagged[];
  detach: () => void;
}

interface Durations {
  count: number;
  sum: number;
  last: number | undefined;
}

const REPORT_CHECK_MS = 60_000;
/** Characters kept past `evidence.maxChars` until redaction, so that personal data at the cut is redacted whole. */
const CUT_MARGIN = 256;

/**
 * Creates an incident log. Attach each guarded function (or pass `incidents` to `createBreakers`):
 *
 * ```ts
 * const log = incidents({ path: '/var/log/app/incidents.jsonl', registry, logger });
 * log.attach(chat);
 * log.list({ status: 'open' });
 * ```
 */
export function incidents(options: IncidentsOptions = {}): IncidentLog {
  const where = 'incidents()';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  const { sink: givenSink, notify, logger: givenLogger, registry, now: givenNow, describeRequest, ...raw } = options;
  let settings: IncidentSettings = parseSettings(raw, where);
  if (givenLogger !== undefined && !isLogger(givenLogger))
    throw new TypeError(`${where}: option "logger" must be a pino-compatible logger (debug, info, warn, error)`);
  if (notify !== undefined && (typeof notify?.notify !== 'function' || typeof notify.close !== 'function'))
    throw new TypeError(`${where}: option "notify" must be an IncidentNotify ({ notify(notice), close() })`);
  if (givenNow !== undefined && typeof givenNow !== 'function')
    throw new TypeError(`${where}: option "now" must be a function returning ms since the epoch`);
  if (describeRequest !== undefined && typeof describeRequest !== 'function')
    throw new TypeError(`${where}: option "describeRequest" must be a function (context) => string`);
  const logger = givenLogger ?? silentLogger;
  const now = givenNow ?? Date.now;
  const path = settings.path ?? DEFAULT_LOG_PATH;
  const sink =
    givenSink ??
    fileSink(path, (skipped) =>
      logger.warn(
        { incidents: path, skipped },
        `incident log ${path}: ${skipped.length} line(s) skipped when reading back`,
      ),
    );
  for (const m of ['write', 'read', 'close'] as const)
    if (typeof (sink as unknown as Record<string, unknown>)[m] !== 'function')
      throw new TypeError(`${where}: option "sink" must have write(record, durable), read() and close()`);

  const tracks = new Map<string, Track>();
  /** Incidents read back as open, by breaker, waiting for their breaker to attach. */
  const waiting = new Map<string, IncidentRecord[]>();
  const recent: IncidentRecord[] = []; // closed, oldest first
  const perBreaker = new Map<string, { opened: number; mttd: Durations; ttc: Durations; mttr: Durations }>();
  const events = new TypedEmitter<IncidentEvents>((error, event) =>
    logger.warn({ event, ...describeError(error) }, 'incident event listener threw'),
  );
  let writes: Promise<void> = Promise.resolve();
  let closed = false;
  let closing: Promise<void> | undefined;
  let reportTimer: ReturnType<typeof setInterval> | undefined;

  const metrics: IncidentMetrics = incidentMetrics(registry, {
    open() {
      const m = new Map<string, number>();
      for (const name of tracks.keys()) m.set(name, 0);
      for (const r of openRecords()) m.set(r.breaker, (m.get(r.breaker) ?? 0) + 1);
      return m;
    },
    reportsDue() {
      const t = now();
      const earliest = new Map<string, { breaker: string; report: string; seconds: number }>();
      for (const r of allRecords())
        for (const c of r.reports) {
          if (c.filedAt !== undefined) continue;
          const s = (Date.parse(c.dueAt) - t) / 1000;
          const key = `${r.breaker}\u0000${c.name}`;
          const e = earliest.get(key);
          if (!e || s < e.seconds) earliest.set(key, { breaker: r.breaker, report: c.name, seconds: s });
        }
      return [...earliest.values()];
    },
  });

  const loaded: Promise<void> = sink.read().then(
    (records) => {
      for (const r of records) {
        if (r.status === 'open') {
          const list = waiting.get(r.breaker) ?? [];
          list.push(r);
          waiting.set(r.breaker, list);
        } else remember(r);
      }
      scheduleReportChecks();
    },
    (error: unknown) =>
      logger.error({ ...describeError(error) }, 'incident log: reading it back failed; starting empty'),
  );

  function statsOf(name: string) {
    let s = perBreaker.get(name);
    if (!s) {
      const d = (): Durations => ({ count: 0, sum: 0, last: undefined });
      perBreaker.set(name, (s = { opened: 0, mttd: d(), ttc: d(), mttr: d() }));
    }
    return s;
  }
  const observe = (d: Durations, s: number): void => {
    d.count++;
    d.sum += s;
    d.last = s;
  };
  const present = (d: Durations): DurationStats => ({
    count: d.count,
    meanSeconds: d.count > 0 ? d.sum / d.count : undefined,
    lastSeconds: d.last,
  });
  function breakerStats(name: string): IncidentStats {
    const s = statsOf(name);
    const open = tracks.get(name)?.current?.rec ?? waiting.get(name)?.[0];
    return {
      open: open && { id: open.id, severity: open.severity, detectedAt: open.detectedAt },
      opened: s.opened,
      mttd: present(s.mttd),
      ttc: present(s.ttc),
      mttr: present(s.mttr),
    };
  }

  function* openRecords(): Generator<IncidentRecord> {
    for (const t of tracks.values()) if (t.current) yield t.current.rec;
    for (const list of waiting.values()) yield* list;
  }
  function* allRecords(): Generator<IncidentRecord> {
    yield* openRecords();
    yield* recent;
  }

  function remember(r: IncidentRecord): void {
    recent.push(r);
    while (recent.length > settings.recent) recent.shift();
  }

  /** Writes the record as it is now; notifies after the write (record first, never lose the incident). */
  function persist(rec: IncidentRecord, durable: boolean, notice?: 'trigger' | 'resolve'): void {
    const line = structuredClone(rec);
    const write = writes.then(() => sink.write(line, durable));
    writes = write.then(
      () => {},
      (error: unknown) =>
        logger.error(
          { incident: rec.id, breaker: rec.breaker, ...describeError(error) },
          `incident log: writing incident ${rec.id} failed`,
        ),
    );
    if (notice && notify && !rec.shadow) {
      const incident = summaryOf(rec);
      void writes.then(() => {
        try {
          notify.notify({ event: notice, incident });
        } catch (error) {
          logger.error({ incident: rec.id, ...describeError(error) }, 'incident notifier threw');
        }
      });
    }
  }

  function entry(rec: IncidentRecord, at: number, event: TimelineEvent, detail: string, actor?: string): void {
    if (rec.timeline.length >= settings.maxTimeline && event !== 'closed') {
      rec.timelineOmitted++;
      return;
    }
    rec.timeline.push({ at: iso(at), event, detail, ...(actor !== undefined && { actor }) });
  }

  function updateCalls(t: Track, c: Current): void {
    const n = t.counts();
    const b = c.base;
    const p = c.before;
    c.rec.calls = {
      total: p.total + n.total - b.total,
      affected: p.affected + n.servedByFallback - b.servedByFallback + n.exhausted - b.exhausted,
      servedByPrimary: p.servedByPrimary + n.servedByPrimary - b.servedByPrimary,
      servedByFallback: p.servedByFallback + n.servedByFallback - b.servedByFallback,
      servedBySafeReply: p.servedBySafeReply + n.servedBySafeReply - b.servedBySafeReply,
      rejected: p.rejected + c.rejected,
      blocked: p.blocked + n.blocked - b.blocked,
      failed: p.failed + n.failed - b.failed,
      exhausted: p.exhausted + n.exhausted - b.exhausted,
    };
  }

  function clocksFor(rec: IncidentRecord): void {
    const detected = Date.parse(rec.detectedAt);
    for (const c of settings.clocks) {
      if (!c.severities.includes(rec.severity) || rec.reports.some((r) => r.name === c.name)) continue;
      rec.reports.push({
        name: c.name,
        kind: c.kind,
        dueAt: iso(detected + c.withinMs),
        ...(c.description !== undefined && { description: c.description }),
      });
    }
  }

  function title(breaker: string, policy: string, reason: string): string {
    const line = `${breaker}: ${policy === 'forced-open' ? 'forced open' : policy} — ${oneLine(reason)}`;
    return clip(line, 160);
  }

  function takeAction(a: Happenings['action'], at: number): ManualAction {
    const f = a.fields;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const reason = str(f.reason);
    const actor = str(f.actor);
    const from = str(f.from);
    const to = str(f.to);
    return {
      at: iso(at),
      action: a.action,
      ...(actor !== undefined && { actor }),
      ...(reason !== undefined && { reason }),
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
    };
  }

  function recordAction(rec: IncidentRecord, a: ManualAction): void {
    rec.actions.push(a);
    const detail = `${a.action}${a.from && a.to ? ` (${a.from} → ${a.to})` : ''}${a.reason ? `: ${a.reason}` : ''}`;
    entry(rec, Date.parse(a.at), 'action', detail, a.actor);
  }

  function sample(f: Flagged, rec: IncidentRecord): void {
    const ev = settings.evidence;
    if (rec.evidence.length >= ev.maxSamples) {
      rec.evidenceOmitted++;
      return;
    }
    const cut = (s: string) => (s.length > ev.maxChars ? `${s.slice(0, ev.maxChars)}…` : s);
    let request: string;
    try {
      request = describeRequest ? describeRequest(f.context) : JSON.stringify(f.context);
    } catch (error) {
      request = '(describeRequest threw; see the log)';
      logger.warn({ incident: rec.id, ...describeError(error) }, 'incidents: describeRequest threw');
    }
    rec.evidence.push({
      at: iso(f.at),
      route: f.route,
      detectors: f.detectors,
      scores: f.scores,
      output: cut(redact(f.text)),
      request: cut(redact(String(request).slice(0, ev.maxChars + CUT_MARGIN))),
    });
  }

  function open(t: Track, tr: Transition, shadow: boolean): void {
    const at = tr.at;
    const forced = tr.to === 'forced-open';
    const d = tr.decision;
    const cause = forced || !d ? { policy: 'forced-open', reason: tr.reason, details: {} } : causeOf(d);
    const severity = shadow
      ? settings.severity.shadow
      : forced
        ? settings.severity.forcedOpen
        : severityOf(cause, settings.severity);
    const fromPolicy = d?.onsetAt !== undefined && d.onsetAt <= at;
    const estimate = forced || fromPolicy ? undefined : t.estimateOnset?.(at);
    const onset = forced
      ? undefined
      : fromPolicy
        ? d!.onsetAt
        : estimate !== undefined && estimate <= at
          ? estimate
          : undefined;
    const detectedAt = iso(at);
    const rec: IncidentRecord = {
      id: `${t.name}-${detectedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`,
      breaker: t.name,
      severity,
      title: title(t.name, cause.policy, cause.reason),
      status: 'open',
      trigger: forced ? 'forced-open' : 'trip',
      shadow,
      cause,
      trips: forced ? 0 : 1,
      ...(onset !== undefined && {
        onsetAt: iso(onset),
        onsetSource: fromPolicy ? 'policy' : 'estimate',
        mttdSeconds: (at - onset) / 1000,
      }),
      detectedAt,
      calls: NO_CALLS,
      timeline: [],
      timelineOmitted: 0,
      actions: [],
      reports: [],
      evidence: [],
      evidenceOmitted: 0,
    };
    if (onset !== undefined)
      entry(
        rec,
        onset,
        'onset',
        fromPolicy
          ? `estimated onset (${cause.policy} change point)`
          : 'estimated onset (first bad call of the window)',
      );
    for (const a of t.pending) recordAction(rec, a);
    entry(
      rec,
      at,
      forced ? 'forced-open' : 'detected',
      `${forced ? 'forced open' : `${cause.policy} tripped${shadow ? ' (shadow mode: traffic unchanged)' : ''}`}: ${tr.reason}`,
      forced ? t.pending.find((a) => a.action === 'force-open')?.actor : undefined,
    );
    if (settings.evidence.enabled) for (const f of t.flagged.splice(0)) sample(f, rec);
    clocksFor(rec);
    t.current = { rec, base: t.counts(), before: NO_CALLS, rejected: 0 };
    const s = statsOf(t.name);
    s.opened++;
    metrics.opened(t.name, severity);
    if (rec.mttdSeconds !== undefined) {
      observe(s.mttd, rec.mttdSeconds);
      metrics.detected(t.name, severity, rec.mttdSeconds);
    }
    persist(rec, true, 'trigger');
    events.emit('open', structuredClone(rec));
    scheduleReportChecks();
  }

  function close(t: Track, c: Current, at: number, resolution: Resolution, detail: string): void {
    const rec = c.rec;
    rec.status = 'closed';
    rec.resolution = resolution;
    rec.recoveredAt = iso(at);
    rec.mttrSeconds = seconds(rec.detectedAt, rec.recoveredAt);
    entry(rec, at, 'closed', detail);
    t.current = undefined;
    if (resolution !== 'restart') {
      observe(statsOf(t.name).mttr, rec.mttrSeconds);
      metrics.recovered(t.name, rec.severity, rec.mttrSeconds);
    }
    remember(rec);
    // The call that closed it (the last probe) is counted as served just after this: count once it is.
    queueMicrotask(() => {
      updateCalls(t, c);
      persist(rec, true, 'resolve');
      events.emit('close', structuredClone(rec));
    });
  }

  /** Takes up an incident read back from the log as this breaker's current one, or closes it. */
  function adoptWaiting(t: Track, tr: Transition | undefined): void {
    const list = waiting.get(t.name);
    if (!list || list.length === 0) return;
    const state = tr ? tr.from : undefined;
    const stillOpen = state === 'open' || state === 'half-open' || state === 'forced-open';
    waiting.delete(t.name);
    const at = t.clock();
    // The newest continues when the breaker is still open; any other is over.
    const keep = stillOpen && !t.current ? list.pop() : undefined;
    for (const r of list) {
      const c: Current = { rec: r, base: t.counts(), before: r.calls, rejected: 0 };
      close(t, c, at, 'restart', 'closed after a restart: a newer incident of this breaker continues or it is closed');
    }
    if (keep) {
      t.current = { rec: keep, base: t.counts(), before: keep.calls, rejected: 0 };
      entry(keep, at, 'restart', `continued after a process restart (breaker ${state})`);
      persist(keep, false);
    }
  }

  /** After start-up (state restored from the store), read-back incidents continue or close. */
  function resume(t: Track, state: string): void {
    const list = waiting.get(t.name);
    if (!list || list.length === 0) return;
    if (state === 'open' || state === 'half-open' || state === 'forced-open') {
      adoptWaiting(t, { from: state, to: state, at: t.clock(), reason: 'restart' });
      return;
    }
    waiting.delete(t.name);
    const at = t.clock();
    for (const r of list)
      close(
        t,
        { rec: r, base: t.counts(), before: r.calls, rejected: 0 },
        at,
        'restart',
        `the process restarted and the breaker came back ${state} (no store restored its open state)`,
      );
  }

  function subscriber(t: Track): Subscriber {
    return {
      transition: ({ transition: tr, shadow }) => {
        if (waiting.has(t.name)) adoptWaiting(t, tr);
        const c = t.current;
        const pending = t.pending;
        t.pending = [];
        if (!c) {
          if (tr.to === 'open' || tr.to === 'forced-open') {
            t.pending = pending;
            open(t, tr, shadow);
            t.pending = [];
          }
          return;
        }
        const rec = c.rec;
        switch (tr.to) {
          case 'open': {
            rec.trips++;
            entry(rec, tr.at, 'reopened', tr.reason);
            if (tr.decision) escalate(rec, severityOf(causeOf(tr.decision), settings.severity), tr.at);
            break;
          }
          case 'forced-open':
            if (rec.shadow) {
              // The kill switch moves traffic (it switches the breaker to enforce): the paper incident ends, a real one opens.
              close(t, c, tr.at, 'mode-change', `forced open, which switches to enforce: ${tr.reason}`);
              t.pending = pending;
              open(t, tr, false);
              t.pending = [];
              return;
            }
            entry(rec, tr.at, 'forced-open', `forced open: ${tr.reason}`);
            escalate(rec, settings.severity.forcedOpen, tr.at);
            break;
          case 'half-open':
            entry(rec, tr.at, 'half-open', `probing the primary: ${tr.reason}`);
            break;
          case 'closed': {
            const by = pending.findLast((a) => a.action === 'reset' || a.action === 'set-mode');
            const resolution: Resolution = !by ? 'recovered' : by.action === 'reset' ? 'reset' : 'mode-change';
            close(t, c, tr.at, resolution, resolution === 'recovered' ? `recovered: ${tr.reason}` : tr.reason);
            return;
          }
          case 'disabled':
            close(t, c, tr.at, 'disabled', `breaker disabled: ${tr.reason}`);
            return;
        }
        updateCalls(t, c);
        persist(rec, false);
      },
      action: (a) => {
        const act = takeAction(a, t.clock());
        const c = t.current;
        if (c) {
          recordAction(c.rec, act);
          updateCalls(t, c);
          persist(c.rec, false);
        }
        // The transition this action causes (if any) follows at once, in the same tick.
        t.pending.push(act);
        if (t.pending.length === 1)
          queueMicrotask(() => {
            t.pending = [];
          });
      },
      served: (by) => {
        const c = t.current;
        if (!c || c.rec.containedAt !== undefined || c.rec.shadow || by === 'exhausted') return;
        const at = t.clock();
        const rec = c.rec;
        rec.containedAt = iso(at);
        rec.ttcSeconds = seconds(rec.detectedAt, rec.containedAt);
        entry(rec, at, 'contained', `first call served by ${by === 'fallback' ? 'a fallback' : 'the safe reply'}`);
        observe(statsOf(t.name).ttc, rec.ttcSeconds);
        metrics.contained(t.name, rec.severity, rec.ttcSeconds);
        updateCalls(t, c);
        persist(rec, false);
      },
      rejected: () => {
        if (t.current) t.current.rejected++;
      },
      answered: (j) => {
        const c = t.current;
        if (c && j.probe) {
          const bad = j.signals.filter((s) => s.flagged || s.blocked).map((s) => s.detector);
          entry(
            c.rec,
            t.clock(),
            'probe',
            bad.length > 0 ? `probe answered, flagged by ${bad.join(', ')}` : 'probe answered and passed',
          );
        }
        if (j.flagged && !j.probe && settings.evidence.enabled) keepFlagged(t, j);
      },
      failed: (f) => {
        const c = t.current;
        if (c && f.probe) entry(c.rec, t.clock(), 'probe', `probe failed (${f.outcome})`);
      },
      'probe-suite': (p) => {
        const c = t.current;
        if (c)
          entry(
            c.rec,
            p.at,
            'probe-suite',
            p.passed ? `probe suite passed (${p.probes} probes)` : `probe suite failed: ${p.reason ?? ''}`,
          );
      },
    };
  }

  function escalate(rec: IncidentRecord, severity: IncidentRecord['severity'], at: number): void {
    const next = worse(rec.severity, severity);
    if (next === rec.severity) return;
    entry(rec, at, 'severity', `severity raised from ${rec.severity} to ${next}`);
    rec.severity = next;
    clocksFor(rec);
  }

  function keepFlagged(t: Track, j: Judgement): void {
    const bad = j.signals.filter((s) => s.flagged || s.blocked);
    const max = settings.evidence.maxChars;
    const f: Flagged = {
      at: t.clock(),
      route: j.input.route,
      detectors: bad.map((s) => s.detector),
      scores: Object.fromEntries(bad.map((s) => [s.detector, s.score])),
      // Cut now (with a margin, so that an email at the cut is still whole when redacted), redacted
      // only if it becomes evidence: most flagged outputs never do.
      text: j.input.text.length > max + CUT_MARGIN ? j.input.text.slice(0, max + CUT_MARGIN) : j.input.text,
      context: j.input.context,
    };
    const c = t.current;
    if (c) {
      sample(f, c.rec);
      return;
    }
    t.flagged.push(f);
    if (t.flagged.length > settings.evidence.maxSamples) t.flagged.shift();
  }

  function checkReports(): void {
    const t = now();
    let pending = false;
    for (const rec of allRecords()) {
      let changed = false;
      for (const r of rec.reports) {
        if (r.filedAt !== undefined) continue;
        const due = Date.parse(r.dueAt);
        const c = settings.clocks.find((x) => x.name === r.name);
        const warnBefore = c?.warnBeforeMs ?? (c ? c.withinMs / 4 : 0);
        if (r.warnedAt === undefined && t >= due - warnBefore) {
          r.warnedAt = iso(t);
          changed = true;
          entry(rec, t, 'report-due', `${r.kind} report "${r.name}" due at ${r.dueAt}`);
          logger.warn(
            { incident: rec.id, breaker: rec.breaker, report: r.name, dueAt: r.dueAt },
            `incident ${rec.id}: ${r.kind} report "${r.name}" is due at ${r.dueAt}`,
          );
          events.emit('report-due', { incident: structuredClone(rec), report: { ...r } });
        }
        if (r.overdueAt === undefined && t >= due) {
          r.overdueAt = iso(t);
          changed = true;
          logger.error(
            { incident: rec.id, breaker: rec.breaker, report: r.name, dueAt: r.dueAt },
            `incident ${rec.id}: ${r.kind} report "${r.name}" is overdue (due ${r.dueAt})`,
          );
          events.emit('report-overdue', { incident: structuredClone(rec), report: { ...r } });
        }
        if (r.overdueAt === undefined) pending = true;
      }
      if (changed) persist(rec, false);
    }
    if (!pending && reportTimer) {
      clearInterval(reportTimer);
      reportTimer = undefined;
    }
  }

  /** Checks deadlines now, and every minute while any is pending (an unref'd timer: it never keeps the process alive). */
  function scheduleReportChecks(): void {
    if (closed || settings.clocks.length === 0) return;
    checkReports();
    const pending = [...allRecords()].some((r) => r.reports.some((c) => c.filedAt === undefined && !c.overdueAt));
    if (pending && !reportTimer) {
      reportTimer = setInterval(checkReports, REPORT_CHECK_MS);
      reportTimer.unref();
    }
  }

  const log: IncidentLog = {
    attach(breaker, attachOptions = {}) {
      if (closed) throw new TypeError(`${where}.attach(): the incident log is closed`);
      const internals = guardInternals(breaker);
      if (!internals || typeof breaker.breakerName !== 'string')
        throw new TypeError(`${where}.attach(breaker): pass what guard() (or createBreakers) returned`);
      const name = breaker.breakerName;
      if (tracks.has(name)) throw new TypeError(`${where}.attach(): a breaker named "${name}" is already attached`);
      const t: Track = {
        name,
        estimateOnset: attachOptions.estimateOnset,
        clock: internals.clock,
        counts: internals.counts,
        current: undefined,
        pending: [],
        flagged: [],
        detach: () => {},
      };
      tracks.set(name, t);
      metrics.attached(name);
      const unsubscribe = internals.subscribe(subscriber(t));
      internals.incidentStats = () => breakerStats(name);
      statsOf(name);
      let attached = true;
      // Once start-up restored the breaker's state (and the log was read back), read-back incidents continue or close.
      void Promise.all([loaded, breaker.ready().catch(() => {})]).then(() => {
        if (attached) resume(t, breaker.state);
      });
      t.detach = () => {
        if (!attached) return;
        attached = false;
        unsubscribe();
        internals.incidentStats = undefined;
        if (t.current) updateCalls(t, t.current);
        tracks.delete(name);
        // An incident still open stays open in the log; a later process continues it.
        if (t.current) {
          persist(t.current.rec, true);
          const list = waiting.get(name) ?? [];
          list.push(t.current.rec);
          waiting.set(name, list);
        }
      };
      return t.detach;
    },
    list(filter = {}) {
      const out: IncidentRecord[] = [];
      if (filter.status !== 'closed') for (const r of openRecords()) out.push(r);
      if (filter.status !== 'open') for (let i = recent.length - 1; i >= 0; i--) out.push(recent[i]!);
      return out
        .filter((r) => filter.breaker === undefined || r.breaker === filter.breaker)
        .map((r) => {
          const t = tracks.get(r.breaker);
          if (t?.current?.rec === r) updateCalls(t, t.current);
          return structuredClone(r);
        });
    },
    get(id) {
      for (const r of allRecords()) {
        if (r.id !== id) continue;
        const t = tracks.get(r.breaker);
        if (t?.current?.rec === r) updateCalls(t, t.current);
        return structuredClone(r);
      }
      return undefined;
    },
    stats() {
      const out: Record<string, IncidentStats> = {};
      for (const name of new Set([...perBreaker.keys(), ...waiting.keys()])) out[name] = breakerStats(name);
      return out;
    },
    fileReport(id, report, by = {}) {
      const rec = [...allRecords()].find((r) => r.id === id);
      if (!rec) throw new TypeError(`${where}.fileReport(): no incident "${id}" in memory`);
      const r = rec.reports.find((x) => x.name === report);
      if (!r)
        throw new TypeError(
          `${where}.fileReport(): incident ${id} has no report "${report}" (has: ${rec.reports.map((x) => x.name).join(', ') || 'none'})`,
        );
      const at = now();
      r.filedAt = iso(at);
      if (by.actor !== undefined) r.filedBy = by.actor;
      entry(rec, at, 'action', `${r.kind} report "${r.name}" filed`, by.actor);
      persist(rec, true);
      return structuredClone(rec);
    },
    reconfigure(input) {
      const next = parseSettings(input, `${where}.reconfigure()`);
      if ((next.path ?? DEFAULT_LOG_PATH) !== path)
        logger.warn({ incidents: path, next: next.path }, 'incident log: a new path applies on restart');
      settings = next;
      scheduleReportChecks();
    },
    on: (event, listener) => events.on(event, listener),
    ready: () => loaded,
    flush: async () => {
      let last;
      do {
        last = writes;
        await last;
      } while (last !== writes);
    },
    close() {
      closing ??= (async () => {
        for (const t of [...tracks.values()]) t.detach();
        closed = true;
        if (reportTimer) clearInterval(reportTimer);
        reportTimer = undefined;
        metrics.dispose();
        await loaded;
        await new Promise<void>(queueMicrotask); // a close's last write is queued in a microtask
        await log.flush();
        await sink.close();
        await notify?.close();
        events.clear();
      })();
      return closing;
    },
  };
  return log;
}
