/**
 * Incident metrics on the app's registry (docs/metrics.md): time to detect, contain and recover
 * per incident as histograms, incidents opened, incidents open, and the time left to each
 * reporting deadline. Labels: breaker, severity, report (clock names from configuration).
 */
import type * as PromClient from 'prom-client';
import { DETECTION_DELAY_BUCKETS } from '../telemetry/metrics.js';
import { loadOptionalPeer } from '../telemetry/optional-peer.js';
import type { Severity } from './notice.js';
import { SEVERITIES } from './record.js';
import { familyOn } from '../telemetry/family.js';

/** Buckets for time to recover: 10 s to 1 day. */
export const RECOVER_BUCKETS = [10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];

export interface IncidentMetrics {
  /** A breaker was attached: its incident counters start at 0, so increase() sees its first incident. */
  attached(breaker: string): void;
  opened(breaker: string, severity: Severity): void;
  detected(breaker: string, severity: Severity, seconds: number): void;
  contained(breaker: string, severity: Severity, seconds: number): void;
  recovered(breaker: string, severity: Severity, seconds: number): void;
  /** Stops the scrape-time reads and removes the gauges this log wrote. */
  dispose(): void;
}

/** What the gauges show at scrape time. */
export interface IncidentGauges {
  /** Open incidents per breaker (breakers the log has seen, 0 included). */
  open(): ReadonlyMap<string, number>;
  /** Seconds left until each unfiled report is due (negative: overdue), the earliest per breaker and report. */
  reportsDue(): readonly { breaker: string; report: string; seconds: number }[];
}

const NO_METRICS: IncidentMetrics = {
  attached() {},
  opened() {},
  detected() {},
  contained() {},
  recovered() {},
  dispose() {},
};

export function incidentMetrics(registry: PromClient.Registry | undefined, gauges: IncidentGauges): IncidentMetrics {
  if (!registry) return NO_METRICS;
  const prom = loadOptionalPeer<typeof PromClient>('prom-client', 'incident metrics');
  const registers = [registry];
  const get = familyOn(registry);
  const histogram = (h: { name: string; help: string; buckets: number[] }) =>
    get(h.name, () => new prom.Histogram({ ...h, labelNames: ['breaker', 'severity'], registers }));
  const detect = histogram({
    name: 'safety_breaker_incident_detect_seconds',
    help: 'Time to detect per incident: from the estimated onset (CUSUM change point) to the trip, in seconds. Only incidents with an onset.',
    buckets: DETECTION_DELAY_BUCKETS,
  });
  const contain = histogram({
    name: 'safety_breaker_incident_contain_seconds',
    help: 'Time to contain per incident: from detection to the first call served by a fallback or the safe reply, in seconds.',
    buckets: DETECTION_DELAY_BUCKETS,
  });
  const recover = histogram({
    name: 'safety_breaker_incident_recover_seconds',
    help: 'Time to recover per incident: from detection until the breaker closed for good, in seconds.',
    buckets: RECOVER_BUCKETS,
  });
  const opened = get(
    'safety_breaker_incidents_total',
    (name) =>
      new prom.Counter({
        name,
        help: 'Incidents opened (trips and forced opens; a re-open after a failed probe belongs to the same incident).',
        labelNames: ['breaker', 'severity'],
        registers,
      }),
  );
  let live = true;
  const openGauge = get(
    'safety_breaker_incidents_open',
    (name) =>
      new prom.Gauge({
        name,
        help: 'Incidents open now.',
        labelNames: ['breaker'],
        registers,
        collect() {
          if (!live) return;
          for (const [breaker, n] of gauges.open()) this.set({ breaker }, n);
        },
      }),
  );
  const dueGauge = get(
    'safety_breaker_incident_report_due_seconds',
    (name) =>
      new prom.Gauge({
        name,
        help: 'Seconds until the earliest unfiled report of each reporting clock is due (negative: overdue).',
        labelNames: ['breaker', 'report'],
        registers,
        collect() {
          this.reset();
          if (!live) return;
          for (const d of gauges.reportsDue()) this.set({ breaker: d.breaker, report: d.report }, d.seconds);
        },
      }),
  );
  return {
    attached(breaker) {
      for (const severity of SEVERITIES) opened.inc({ breaker, severity }, 0);
    },
    opened: (breaker, severity) => opened.inc({ breaker, severity }),
    detected: (breaker, severity, s) => detect.observe({ breaker, severity }, s),
    contained: (breaker, severity, s) => contain.observe({ breaker, severity }, s),
    recovered: (breaker, severity, s) => recover.observe({ breaker, severity }, s),
    dispose() {
      live = false;
      for (const breaker of gauges.open().keys()) openGauge.remove({ breaker });
      dueGauge.reset();
    },
  };
}
