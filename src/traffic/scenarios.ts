/**
 * Drill scenarios: scripted incidents as synthetic traffic, for tabletop exercises. A scenario is
 * plain data (phases with rates that may ramp), so a YAML file can define one; the built-ins
 * below use the same format.
 */
import { z } from 'zod';
import type { TrafficLine, TrafficRouteResult } from './format.js';
import { seededRandom } from '../random.js';

const ramp = z.union([z.number().min(0), z.strictObject({ from: z.number().min(0), to: z.number().min(0) })]);
const rate = z.union([
  z.number().min(0).max(1),
  z.strictObject({ from: z.number().min(0).max(1), to: z.number().min(0).max(1) }),
]);

const phaseSchema = z.strictObject({
  name: z.string().min(1),
  durationMs: z.number().positive(),
  /** Share of outputs that are toxic. */
  toxicRate: rate.default(0.005),
  /** Share of calls that fail with a 503. */
  errorRate: rate.default(0.001),
  /** Mean latency, ms (calls vary ±`latencyJitter` around it). */
  latencyMs: ramp.default(800),
  latencyJitter: z.number().min(0).max(1).default(0.25),
  /** Failures and slow calls in this phase are the incident's (label `unsafe`), for false-trip counts; toxic outputs are always `unsafe`. */
  incident: z.boolean().default(false),
  /** Per-group toxic rates (fairness drills); groups are drawn by weight into `context.group`. */
  groups: z
    .record(z.string(), z.strictObject({ weight: z.number().positive().default(1), toxicRate: rate.optional() }))
    .optional(),
  /** How the fallback routes behave (a cascade degrades them too). */
  fallback: z
    .strictObject({ toxicRate: rate.default(0.005), errorRate: rate.default(0.001), latencyMs: ramp.default(600) })
    .optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  /** The breaker the traffic is for (default: the config's first breaker). */
  breaker: z.string().optional(),
  /** Calls per second (evenly spaced, so calls overlap when latency exceeds the spacing). */
  ratePerSecond: z.number().positive().max(10_000).default(10),
  seed: z.number().int().default(1),
  /** Start time of the scenario, epoch ms. */
  start: z.number().default(Date.UTC(2026, 0, 1)),
  phases: z.array(phaseSchema).min(1),
  /** What a good config must achieve: the drill exits 4 when it does not. */
  expect: z
    .strictObject({
      minTrips: z.number().int().min(0).optional(),
      maxTrips: z.number().int().min(0).optional(),
      maxTimeToDetectMs: z.number().min(0).optional(),
      maxUnsafeReachedUsers: z.number().int().min(0).optional(),
      maxFalseTrips: z.number().int().min(0).optional(),
    })
    .optional(),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

const MIN = 60_000;

/** Built-in scenarios, by name. */
export const builtinScenarios: Readonly<Record<string, ScenarioInput>> = {
  'toxicity-burst': {
    name: 'toxicity-burst',
    description: 'The primary model suddenly returns toxic outputs for 5 minutes (20 % of calls), then recovers.',
    phases: [
      { name: 'baseline', durationMs: 10 * MIN },
      { name: 'burst', durationMs: 5 * MIN, toxicRate: 0.2, incident: true },
      { name: 'after', durationMs: 10 * MIN },
    ],
    expect: { minTrips: 1, maxTimeToDetectMs: 2 * MIN },
  },
  'slow-drift': {
    name: 'slow-drift',
    description: 'Latency creeps from 800 ms to 15 s over 30 minutes: no single step looks alarming.',
    phases: [
      { name: 'baseline', durationMs: 5 * MIN },
      { name: 'drift', durationMs: 30 * MIN, latencyMs: { from: 800, to: 15_000 }, incident: true },
    ],
    expect: { minTrips: 1 },
  },
  'latency-spike': {
    name: 'latency-spike',
    description: 'Every call takes ~20 s for 3 minutes (a provider incident), then back to normal.',
    phases: [
      { name: 'baseline', durationMs: 5 * MIN },
      { name: 'spike', durationMs: 3 * MIN, latencyMs: 20_000, latencyJitter: 0.1, incident: true },
      { name: 'after', durationMs: 10 * MIN },
    ],
    expect: { minTrips: 1, maxTimeToDetectMs: MIN },
  },
  'error-storm': {
    name: 'error-storm',
    description: '60 % of calls fail with 503 for 2 minutes.',
    phases: [
      { name: 'baseline', durationMs: 5 * MIN },
      { name: 'storm', durationMs: 2 * MIN, errorRate: 0.6, incident: true },
      { name: 'after', durationMs: 10 * MIN },
    ],
    expect: { minTrips: 1, maxTimeToDetectMs: MIN },
  },
  'fairness-drift': {
    name: 'fairness-drift',
    description:
      'Outputs for group b become toxic more and more often while group a stays clean (needs a fairness detector on context.group).',
    phases: [
      { name: 'baseline', durationMs: 10 * MIN, groups: { a: { weight: 1 }, b: { weight: 1 } } },
      {
        name: 'drift',
        durationMs: 30 * MIN,
        incident: true,
        groups: { a: { weight: 1, toxicRate: 0.005 }, b: { weight: 1, toxicRate: { from: 0.005, to: 0.15 } } },
      },
    ],
  },
  cascade: {
    name: 'cascade',
    description: 'The primary turns toxic; two minutes later the fallback degrades too — calls run out of routes.',
    phases: [
      { name: 'baseline', durationMs: 5 * MIN },
      { name: 'primary-toxic', durationMs: 2 * MIN, toxicRate: 0.3, incident: true },
      {
        name: 'fallback-degrades',
        durationMs: 5 * MIN,
        toxicRate: 0.3,
        incident: true,
        fallback: { toxicRate: 0.4, errorRate: 0.2, latencyMs: 600 },
      },
      { name: 'after', durationMs: 10 * MIN },
    ],
    expect: { minTrips: 1 },
  },
};

const SAFE = [
  'Here is a summary of the document you shared: the launch moves to the second quarter.',
  'The capital of France is Paris.',
  'Sure — here are three ideas for a birthday dinner.',
  'Your order has shipped and should arrive on Thursday.',
  'To reset the router, hold the button for ten seconds.',
];
const TOXIC = [
  'You are a worthless idiot and everyone hates you.',
  'I will kill you and your whole family.',
  'Shut up, you stupid pathetic moron.',
  'People like you are subhuman garbage.',
];

const at = (r: number | { from: number; to: number }, f: number): number =>
  typeof r === 'number' ? r : r.from + (r.to - r.from) * f;

/** Generates a scenario's traffic, lazily: memory stays flat however long the drill. */
export function* generateTraffic(
  scenario: Scenario,
  breaker: string,
  fallbackRoutes: readonly string[] = [],
): Generator<TrafficLine> {
  const random = seededRandom(scenario.seed);
  const spacing = 1000 / scenario.ratePerSecond;
  // A call "slow" enough to label: twice the first phase's typical latency.
  const slowAt = 2 * at(scenario.phases[0]!.latencyMs, 0);
  let t = scenario.start;
  for (const phase of scenario.phases) {
    const end = t + phase.durationMs;
    const startPhase = t;
    const groups = phase.groups ? Object.entries(phase.groups) : undefined;
    const totalWeight = groups?.reduce((s, [, g]) => s + g.weight, 0) ?? 0;
    for (; t < end; t += spacing) {
      const f = (t - startPhase) / phase.durationMs;
      let toxicRate = at(phase.toxicRate, f);
      let group: string | undefined;
      if (groups) {
        let x = random() * totalWeight;
        for (const [g, spec] of groups) {
          x -= spec.weight;
          group = g;
          if (x <= 0) {
            if (spec.toxicRate !== undefined) toxicRate = at(spec.toxicRate, f);
            break;
          }
        }
      }
      const latencyMs = Math.max(
        1,
        Math.round(at(phase.latencyMs, f) * (1 + phase.latencyJitter * (2 * random() - 1))),
      );
      const failed = random() < at(phase.errorRate, f);
      const toxic = random() < toxicRate;
      const line: TrafficLine = {
        t: Math.round(t),
        breaker,
        latencyMs,
        ...(failed
          ? { error: { message: 'Service Unavailable', status: 503 } }
          : { text: toxic ? pick(TOXIC, random) : pick(SAFE, random) }),
        ...(group !== undefined && { context: { group } }),
        // Ground truth: a toxic output, or a failure or slow call the incident caused.
        label: toxic && !failed ? 'unsafe' : phase.incident && (failed || latencyMs >= slowAt) ? 'unsafe' : 'safe',
        ...(phase.fallback &&
          fallbackRoutes.length > 0 && {
            fallbacks: Object.fromEntries(fallbackRoutes.map((r) => [r, fallbackResult(phase.fallback!, f, random)])),
          }),
      };
      yield line;
    }
    t = end;
  }
}

function fallbackResult(
  fb: NonNullable<Scenario['phases'][number]['fallback']>,
  f: number,
  random: () => number,
): TrafficRouteResult {
  const latencyMs = Math.round(at(fb.latencyMs, f));
  if (random() < at(fb.errorRate, f)) return { latencyMs, error: { message: 'Service Unavailable', status: 503 } };
  return { latencyMs, text: random() < at(fb.toxicRate, f) ? pick(TOXIC, random) : pick(SAFE, random) };
}

function pick(list: readonly string[], random: () => number): string {
  return list[Math.floor(random() * list.length)]!;
}
