/**
 * Replay: runs the configured breakers over a traffic log in virtual time. Each breaker is a real
 * `guard()` with a virtual clock; its primary answers what the log recorded, when the log says
 * it did. Calls that overlapped in the log overlap in replay (a discrete-event simulation), so
 * trip points match what live breakers did on the same traffic.
 */
import { guardOptionsFor } from '../config/bind.js';
import { detectorRegistry, type DetectorRegistry } from '../config/detectors.js';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { placeIn } from '../config/source.js';
import type { SafetyBreakerConfig } from '../config/schema.js';
import type { Detector, Signal } from '../detectors/types.js';
import { TimeoutError } from '../errors.js';
import { guard, type GuardEvents, type Guarded } from '../guard.js';
import type { GuardOptions, ModelFunction } from '../options.js';
import type { IncidentLog } from '../incidents/log.js';
import type { TrafficError, TrafficLine } from './format.js';

/** How far (ms of traffic) a line may come after later-starting ones: lines are written as calls finish. */
export const DEFAULT_REORDER_MS = 120_000;

export interface ReplayOptions {
  /** The app's own detector factories. */
  readonly detectors?: DetectorRegistry;
  /** Trips kept in the report per breaker (the rest are counted). Default 1 000. */
  readonly maxTrips?: number;
  /** Malformed lines listed in the report (all are counted). Default 20. */
  readonly maxMalformed?: number;
  /** How far out of start order lines may come (a recorder writes a line when its call ends), ms. Default 120 000. */
  readonly reorderMs?: number;
  /** Records the incidents the replayed breakers open (drills show them), with replay's onset where the policy gives none. */
  readonly incidents?: IncidentLog;
}

/** One trip (or reopen after a failed probe) as replay saw it. */
export interface TripReport {
  /** Traffic-log line of the call that tripped it. */
  readonly line: number;
  readonly at: number;
  readonly policy: string;
  readonly reason: string;
  readonly details: Readonly<Record<string, number>>;
  /** A failed half-open probe reopened the breaker. */
  readonly reopen: boolean;
  /** First bad call of the window that tripped (the CUSUM change point when the policy estimates one). */
  readonly onsetAt: number;
  readonly timeToDetectMs: number;
  /** Flagged (or labelled unsafe) outputs that reached users between onset and trip. */
  readonly unsafeBeforeTrip: number;
  /** Calls served by a fallback while this trip lasted. */
  servedByFallback: number;
  recoveredAt?: number;
  timeToRecoverMs?: number;
  /** With labels: no call of the tripping window was labelled unsafe. */
  falseTrip?: boolean;
}

export interface BreakerReplayReport {
  readonly breaker: string;
  readonly mode: string;
  calls: number;
  primaryCalls: number;
  probes: number;
  servedByPrimary: number;
  servedByFallback: number;
  /** Every route failed or was blocked: the caller got the safe reply or an error. */
  exhausted: number;
  /** 4xx errors: the caller's fault, never counted against the model. */
  callerErrors: number;
  /** Primary calls that failed (error or timeout). */
  failed: number;
  /** Primary outputs flagged by a detector. */
  flagged: number;
  /** Outputs blocked (any route). */
  blocked: number;
  /** Served outputs that a detector flagged, or that were labelled unsafe. */
  unsafeReachedUsers: number;
  /** Lines with `textRef` but no text: replayed with empty text. */
  textRefs: number;
  /** Lines that carry a label. */
  labelled: number;
  firstFlagged?: { line: number; at: number; detectors: string[] };
  trips: TripReport[];
  tripsOmitted: number;
  falseTrips?: number;
  endState: string;
}

export interface ReplayReport {
  lines: number;
  calls: number;
  malformed: { count: number; lines: { line: number; reason: string }[] };
  /** Lines for breakers the config does not have, by name. */
  unknownBreakers: Record<string, number>;
  /** Lines whose time is earlier than an earlier line of the same breaker by more than its calls in flight allow. */
  outOfOrder: number;
  breakers: Record<string, BreakerReplayReport>;
  /** Virtual time covered, ms. */
  spanMs: number;
}

interface Pending {
  readonly end: number;
  /** Admission order, to break ties. */
  seq?: number;
  readonly settle: () => void;
  readonly rec: CallRec;
}

interface CallRec {
  readonly line: number;
  readonly traffic: TrafficLine;
  /** Settles when the guard has judged and recorded the call. */
  done?: Promise<void>;
  /** The primary was called: the call completes from the queue of calls in flight. */
  inFlight?: boolean;
  primary?: GuardEvents['outcome'];
  served?: GuardEvents['outcome'];
}

const RING = 1 << 16;
const REC = Symbol('replay call');

/** One breaker's replay: a real guard, a virtual clock and a queue of calls in flight. */
class BreakerSim {
  now = 0;
  lastStart = -Infinity;
  readonly guarded: Guarded<ModelFunction>;
  readonly report: BreakerReplayReport;
  // Calls in flight by end time (ties: admission order).
  private readonly heap = new MinHeap<Pending>((a, b) => a.end < b.end || (a.end === b.end && a.seq! < b.seq!));
  private seq = 0;
  private current: CallRec | undefined; // the call being admitted or completed
  private readonly timeoutMs: number;
  private openTrip: TripReport | undefined;
  // Every trip and reopen since the breaker last closed: the close recovers them all.
  private incident: TripReport[] = [];
  // Ring of recent primary observations: end time, bad, labelled unsafe, cumulative unsafe served.
  private readonly ringT = new Float64Array(RING);
  private readonly ringBad = new Uint8Array(RING);
  private readonly ringCum = new Float64Array(RING);
  private ringN = 0;
  // Ring position when the breaker last closed (or tripped): an onset never reaches further back.
  private ringAtClose = 0;
  private unsafeServed = 0;

  constructor(
    readonly name: string,
    config: SafetyBreakerConfig,
    registry: DetectorRegistry,
    private readonly maxTrips: number,
    incidents?: IncidentLog,
  ) {
    const b = config.breakers[name]!;
    this.timeoutMs = b.timeoutMs ?? 60_000;
    const fallbacks: Record<string, ModelFunction> = {};
    for (const route of b.fallbacks) fallbacks[route] = () => this.fallback(route);
    const issues: ConfigIssue[] = [];
    const opts = guardOptionsFor(
      name,
      b,
      { primary: () => this.primary(), fallbacks },
      registry,
      undefined,
      new Map<string, Detector>(),
      (path, expected, found, message) =>
        issues.push({
          ...placeIn(config, ['breakers', name, ...path]),
          path: ['breakers', name, ...path].join('.'),
          expected,
          found,
          message,
        }),
    );
    if (!opts) throw new ConfigError(issues);
    // Timeouts and retries are replayed from the log, never waited for.
    this.guarded = guard<ModelFunction>(() => this.primary(), {
      ...opts,
      clock: () => this.now,
      timeoutMs: 0,
      retry: false,
    } as GuardOptions<ModelFunction>);
    this.report = {
      breaker: name,
      mode: b.mode,
      calls: 0,
      primaryCalls: 0,
      probes: 0,
      servedByPrimary: 0,
      servedByFallback: 0,
      exhausted: 0,
      callerErrors: 0,
      failed: 0,
      flagged: 0,
      blocked: 0,
      unsafeReachedUsers: 0,
      textRefs: 0,
      labelled: 0,
      trips: [],
      tripsOmitted: 0,
      endState: 'closed',
    };
    this.guarded.on('outcome', (e) => {
      const rec = e.context[REC as unknown as string] as CallRec | undefined;
      if (!rec) return;
      if (e.route === 'primary') rec.primary = e;
      // In shadow mode a blocked output still reaches the caller.
      if (
        e.outcome === 'success' ||
        (e.outcome === 'blocked' && e.route === 'primary' && this.report.mode === 'shadow')
      )
        rec.served = e;
      if (e.outcome === 'blocked') this.report.blocked++;
    });
    this.guarded.on('trip', (e) => this.onTrip(e));
    // The trip event comes first: the incident takes replay's onset of the trip it just reported.
    incidents?.attach(this.guarded, {
      estimateOnset: (at) => (this.openTrip?.at === at && !this.openTrip.reopen ? this.openTrip.onsetAt : undefined),
    });
    this.guarded.on('close', (e) => {
      for (const t of this.incident) {
        t.recoveredAt = e.at;
        t.timeToRecoverMs = e.at - t.at;
      }
      this.incident = [];
      this.openTrip = undefined;
      this.ringAtClose = this.ringN;
    });
  }

  /** The primary's answer for the call being admitted: now, or when the log says it ended. */
  private primary(): Promise<unknown> {
    const rec = this.current!;
    const l = rec.traffic;
    const timedOut = this.timeoutMs > 0 && l.latencyMs >= this.timeoutMs;
    const end = this.now + (timedOut ? this.timeoutMs : l.latencyMs);
    const outcome = (): unknown => {
      if (timedOut) throw new TimeoutError(this.name, 'primary', this.timeoutMs);
      if (l.error !== undefined) throw toError(l.error);
      return l.text ?? '';
    };
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        try {
          resolve(outcome());
        } catch (error) {
          reject(error);
        }
      };
      rec.inFlight = true;
      this.heap.push({ end, settle, rec, seq: this.seq++ });
    });
  }

  /** A fallback answers at once (its latency does not move the primary's breaker). */
  private fallback(route: string): Promise<unknown> {
    const r = this.current?.traffic.fallbacks?.[route];
    if (!r) return Promise.resolve('');
    if (r.error !== undefined) return Promise.reject(toError(r.error));
    return Promise.resolve(r.text ?? '');
  }

  /** Completes every call in flight that ends at or before `until`, in end order. */
  async completeUntil(until: number): Promise<void> {
    while (this.heap.size > 0 && this.heap.peek()!.end <= until) {
      const p = this.heap.pop()!;
      this.now = Math.max(this.now, p.end);
      this.current = p.rec;
      p.settle();
      // The guard judges and records this call (microtasks only) before the next event.
      await p.rec.done;
      this.current = undefined;
    }
  }

  /** Admits one call at its start time; it completes in a later `completeUntil`. */
  admit(l: TrafficLine, line: number): Promise<void> | undefined {
    if (l.t < this.lastStart) this.outOfOrder++;
    const start = Math.max(l.t, this.now);
    this.lastStart = start;
    this.now = start;
    const rec: CallRec = { line, traffic: l };
    this.current = rec;
    if (l.textRef !== undefined && l.text === undefined) this.report.textRefs++;
    if (l.label) this.report.labelled++;
    // The record rides in the context under a symbol: events of this call find it, detectors never see it.
    const call = this.guarded.with({ context: { ...l.context, [REC]: rec } as Record<string, unknown> });
    rec.done = (call as () => Promise<unknown>)().then(
      () => this.settled(rec, false),
      (error: unknown) => this.settled(rec, true, error),
    );
    this.current = undefined;
    // Served without the primary (breaker open): done within microtasks.
    return rec.inFlight ? undefined : rec.done;
  }

  outOfOrder = 0;

  private settled(rec: CallRec, threw: boolean, error?: unknown): void {
    const r = this.report;
    r.calls++;
    const p = rec.primary;
    const label = rec.traffic.label;
    if (threw && p === undefined && isCaller(error)) {
      r.callerErrors++;
      return;
    }
    if (p) {
      r.primaryCalls++;
      if (p.probe) r.probes++;
      const flagged = p.signals.some((s) => s.flagged || s.blocked);
      const failed = p.outcome === 'error' || p.outcome === 'timeout';
      if (failed) r.failed++;
      if (flagged) {
        r.flagged++;
        r.firstFlagged ??= { line: rec.line, at: this.now, detectors: flaggedBy(p.signals) };
      }
      if (!p.probe) this.observe(this.now, flagged || failed);
    }
    const served = rec.served;
    if (!threw && !served && r.mode === 'disabled')
      r.servedByPrimary++; // passed straight through: no detectors, no events
    else if (threw || !served) r.exhausted++;
    else if (served.route === 'primary') r.servedByPrimary++;
    else {
      r.servedByFallback++;
      if (this.openTrip) this.openTrip.servedByFallback++;
    }
    const unsafe =
      served !== undefined &&
      !threw &&
      (served.signals.some((s) => s.flagged || s.blocked) || (served.route === 'primary' && label === 'unsafe'));
    if (unsafe) {
      r.unsafeReachedUsers++;
      this.unsafeServed++;
    }
    if (p && !p.probe && label === 'unsafe') this.ringBad[(this.ringN - 1) & (RING - 1)]! |= 2;
  }

  private observe(at: number, bad: boolean): void {
    const i = this.ringN & (RING - 1);
    this.ringT[i] = at;
    this.ringBad[i] = bad ? 1 : 0;
    this.ringCum[i] = this.unsafeServed;
    this.ringN++;
  }

  private onTrip(e: GuardEvents['trip']): void {
    const r = this.report;
    const rec = this.current;
    const d = e.decision;
    const reopen = e.from === 'half-open';
    // The tripping call is not in the ring yet: look back over the rest of its window.
    const sinceClose = this.ringN - this.ringAtClose;
    const window = Math.min(sinceClose, RING, Math.max(0, (d.onsetCallsAgo ?? d.details.calls ?? sinceClose) - 1));
    this.ringAtClose = this.ringN;
    let onsetAt = e.at;
    let cumAtOnset = this.unsafeServed;
    let anyLabelledUnsafe = rec?.traffic.label === 'unsafe';
    for (let k = window; k >= 1; k--) {
      const i = (this.ringN - k) & (RING - 1);
      if ((this.ringBad[i]! & 1) === 1 && onsetAt === e.at) {
        onsetAt = this.ringT[i]!;
        cumAtOnset = this.ringCum[i]!;
      }
      if ((this.ringBad[i]! & 2) === 2) anyLabelledUnsafe = true;
    }
    if (d.onsetCallsAgo !== undefined && window > 0) {
      const i = (this.ringN - window) & (RING - 1);
      onsetAt = this.ringT[i]!;
      cumAtOnset = this.ringCum[i]!;
    }
    if (this.openTrip) this.openTrip = undefined;
    const trip: TripReport = {
      line: rec?.line ?? 0,
      at: e.at,
      policy: d.policy,
      reason: d.reason,
      details: d.details,
      reopen,
      onsetAt: reopen ? e.at : onsetAt,
      timeToDetectMs: reopen ? 0 : e.at - onsetAt,
      unsafeBeforeTrip: reopen ? 0 : this.unsafeServed - cumAtOnset,
      servedByFallback: 0,
      ...(r.labelled > 0 && !reopen && { falseTrip: !anyLabelledUnsafe }),
    };
    if (trip.falseTrip) r.falseTrips = (r.falseTrips ?? 0) + 1;
    else if (r.labelled > 0 && r.falseTrips === undefined) r.falseTrips = 0;
    this.openTrip = trip;
    this.incident.push(trip);
    if (r.trips.length < this.maxTrips) r.trips.push(trip);
    else r.tripsOmitted++;
  }

  finish(): BreakerReplayReport {
    this.report.endState = this.guarded.state;
    this.guarded.dispose();
    return this.report;
  }
}

/**
 * Replays traffic through the breakers of a config. Feed lines in log order with `push`, report
 * malformed ones with `malformed`, then `finish`.
 */
export class Replay {
  private readonly sims = new Map<string, BreakerSim>();
  // Lines waiting to run, by start time: a log written as calls finish is out of start order by up to the longest call.
  private readonly buffer = new MinHeap<{ l: TrafficLine; line: number }>(
    (a, b) => a.l.t < b.l.t || (a.l.t === b.l.t && a.line < b.line),
  );
  private maxEnd = -Infinity;
  private first = Infinity;
  private last = -Infinity;
  private readonly result: ReplayReport = {
    lines: 0,
    calls: 0,
    malformed: { count: 0, lines: [] },
    unknownBreakers: {},
    outOfOrder: 0,
    breakers: {},
    spanMs: 0,
  };
  private readonly maxMalformed: number;
  private readonly reorderMs: number;

  constructor(config: SafetyBreakerConfig, options: ReplayOptions = {}) {
    const registry = detectorRegistry(options.detectors);
    for (const name of Object.keys(config.breakers))
      this.sims.set(name, new BreakerSim(name, config, registry, options.maxTrips ?? 1_000, options.incidents));
    this.maxMalformed = options.maxMalformed ?? 20;
    this.reorderMs = options.reorderMs ?? DEFAULT_REORDER_MS;
  }

  /**
   * Feeds one call, in log order. A line runs once no later line can start before it: when the
   * log has reached `reorderMs` past its start (a recorder writes each line as its call finishes).
   */
  async push(l: TrafficLine, line: number): Promise<void> {
    this.result.lines++;
    this.buffer.push({ l, line });
    if (l.t + l.latencyMs > this.maxEnd) this.maxEnd = l.t + l.latencyMs;
    const safe = this.maxEnd - this.reorderMs;
    while (this.buffer.size > 0 && this.buffer.peek()!.l.t <= safe) {
      const next = this.buffer.pop()!;
      await this.run(next.l, next.line);
    }
  }

  /** Counts a line that could not be parsed (the replay goes on; the report lists it). */
  malformed(line: number, reason: string): void {
    this.result.lines++;
    this.result.malformed.count++;
    if (this.result.malformed.lines.length < this.maxMalformed) this.result.malformed.lines.push({ line, reason });
  }

  private async run(l: TrafficLine, line: number): Promise<void> {
    const sim = this.sims.get(l.breaker);
    if (!sim) {
      this.result.unknownBreakers[l.breaker] = (this.result.unknownBreakers[l.breaker] ?? 0) + 1;
      return;
    }
    this.first = Math.min(this.first, l.t);
    this.last = Math.max(this.last, l.t + l.latencyMs);
    // Calls of this breaker that ended by now are judged first; later ones stay in flight.
    await sim.completeUntil(l.t);
    const served = sim.admit(l, line);
    if (served) await served;
  }

  /** Runs the lines still waiting, completes every call in flight and returns the report. */
  async finish(): Promise<ReplayReport> {
    while (this.buffer.size > 0) {
      const next = this.buffer.pop()!;
      await this.run(next.l, next.line);
    }
    for (const [name, sim] of this.sims) {
      await sim.completeUntil(Infinity);
      this.result.outOfOrder += sim.outOfOrder;
      this.result.breakers[name] = sim.finish();
      this.result.calls += sim.report.calls;
    }
    this.result.spanMs = Number.isFinite(this.first) ? this.last - this.first : 0;
    return this.result;
  }
}

/** A binary min-heap. */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(item, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = item;
  }

  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      // Sift the last item down from the root, moving children up instead of swapping.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = -1;
        let best = last;
        if (l < h.length && this.less(h[l]!, best)) {
          m = l;
          best = h[l]!;
        }
        if (r < h.length && this.less(h[r]!, best)) m = r;
        if (m < 0) break;
        h[i] = h[m]!;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}

function flaggedBy(signals: readonly Signal[]): string[] {
  return signals.filter((s) => s.flagged || s.blocked).map((s) => s.detector);
}

function toError(e: TrafficError): Error {
  if (e === 'timeout')
    return Object.assign(new Error('timeout (recorded)'), { name: 'TimeoutError', code: 'SAFETY_BREAKER_TIMEOUT' });
  return Object.assign(new Error(e.message ?? 'error (recorded)'), {
    ...(e.status !== undefined && { status: e.status }),
    ...(e.code !== undefined && { code: e.code }),
  });
}

function isCaller(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
}
