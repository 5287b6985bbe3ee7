/**
 * The settings of an incident log, as `incidents()` takes them and as the config file's
 * `incidents:` section holds them: one schema for both (docs/incidents.md).
 */
import { z } from 'zod';
import type { Severity } from './notice.js';

const severity = z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
const NAME = /^[A-Za-z0-9_.:-]+$/;

/** One rule of the severity mapping: the first rule whose conditions all hold gives the severity. */
const severityRule = z.strictObject({
  severity,
  /** The trip policies (or window detectors, such as `fairness`) it applies to; every one when absent. */
  policies: z.array(z.string().min(1)).min(1).optional(),
  /** At least this share of the tripping window's calls were bad (0–1). */
  minShare: z.number().min(0).max(1).optional(),
  /** The tripping number is at least this many times its threshold. */
  minOver: z.number().min(0).optional(),
});

/** The default mapping (docs/incidents.md, "Severity"). */
export const DEFAULT_SEVERITY_RULES: readonly z.input<typeof severityRule>[] = [
  { severity: 'SEV1', minShare: 0.5 },
  { severity: 'SEV2', minShare: 0.2 },
  { severity: 'SEV2', minOver: 4 },
  { severity: 'SEV2', policies: ['fairness'] },
  { severity: 'SEV3' },
];

const clock = z.strictObject({
  /** Names the report in the record, the event and the metric label. */
  name: z.string().min(1).max(100).regex(NAME, 'must contain only letters, digits and _ . : -'),
  kind: z.enum(['internal', 'regulatory']),
  /** Incidents of these severities start this clock when they are detected. */
  severities: z.array(severity).min(1),
  /** The report is due this long after detection, ms. */
  withinMs: z.number().positive(),
  /** The `report-due` event fires this long before the deadline, ms. Default: a quarter of `withinMs`. */
  warnBeforeMs: z.number().min(0).optional(),
  description: z.string().optional(),
});

export const incidentSettingsSchema = z.strictObject({
  /** The JSON-lines incident log. Default `safety-breaker-incidents.jsonl` in the working directory. */
  path: z.string().min(1).optional(),
  severity: z
    .strictObject({
      rules: z
        .array(severityRule)
        .min(1)
        .default([...DEFAULT_SEVERITY_RULES]),
      /** Severity of an incident opened by `forceOpen` (a person judged the model harmful). */
      forcedOpen: severity.default('SEV2'),
      /** Severity of a trip in shadow mode (nothing contained, nobody paged). */
      shadow: severity.default('SEV4'),
    })
    .default({ rules: [...DEFAULT_SEVERITY_RULES], forcedOpen: 'SEV2', shadow: 'SEV4' }),
  /** Reporting deadlines per severity (internal reviews, regulators). None by default. */
  clocks: z
    .array(clock)
    .default([])
    .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, 'clock names must be unique'),
  /** Flagged outputs kept in the record: off by default; redacted when on. */
  evidence: z
    .strictObject({
      enabled: z.boolean().default(false),
      maxSamples: z.number().int().min(1).max(100).default(10),
      maxChars: z.number().int().min(16).max(10_000).default(1_000),
    })
    .default({ enabled: false, maxSamples: 10, maxChars: 1_000 }),
  /** Closed incidents kept in memory for the admin routes (the log file keeps them all). */
  recent: z.number().int().min(0).max(10_000).default(100),
  /** Timeline entries kept per incident (the close is always kept; the rest are counted). */
  maxTimeline: z.number().int().min(10).max(10_000).default(200),
  // The config file's `incidents:` also takes `notifiers:` (src/config/schema.ts): they are built
  // by createBreakers, which passes the log their queue as `notify`.
});

export type IncidentSettings = z.output<typeof incidentSettingsSchema>;
export type IncidentSettingsInput = z.input<typeof incidentSettingsSchema>;
export type SeverityRule = z.output<typeof severityRule>;
export type ClockSetting = z.output<typeof clock>;

export const DEFAULT_LOG_PATH = 'safety-breaker-incidents.jsonl';

/** Parses settings, throwing a `TypeError` that names each bad option. */
export function parseSettings(input: unknown, where: string): IncidentSettings {
  const r = incidentSettingsSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map(
    (i) => `${i.path.length > 0 ? `"${i.path.join('.')}"` : 'options'}: ${i.message}`,
  );
  throw new TypeError(`${where}: ${problems.join('; ')}`);
}

export type { Severity };
