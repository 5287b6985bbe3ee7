import { z } from 'zod';
import { floats, num, readFloats, record, type Saved } from '../breaker/saved-state.js';
import { bonferroni, twoProportionTest } from '../breaker/stats.js';
import { GroupCusum, type GroupCusumOptions } from './fairness-cusum.js';
import { fromZod } from '../rules/from-zod.js';
import { number, type NumberBounds } from '../rules/scalars.js';
import { parseOptions } from '../validation.js';
import { DEFAULT_IDENTITY_TERMS, groupFromText, termIndex, type IdentityTerms } from './identity-terms.js';
import type { CallContext, CallRecord, Signal, WindowDetector, WindowGroup, WindowSnapshot } from './types.js';

/** What counts as the outcome whose rate is compared across groups. */
export type FairnessOutcome = 'blocked' | 'flagged' | { readonly detector: string } | ((call: CallRecord) => boolean);

export interface FairnessOptions {
  /** Detector name (metric label and trip policy name). Default `fairness`. */
  readonly name?: string;
  /** The group of a call: a context key (e.g. `'group'`) or a function of the call record. Falls back to identity terms when it yields nothing. */
  readonly group?: string | ((call: CallRecord) => string | undefined);
  /**
   * Outcome per call (default `'blocked'`): `'blocked'`, `'flagged'` (any detector flagged it),
   * `{ detector: 'name' }` (that detector flagged it), or a boolean function of the call record
   * (for example "the model refused", "the loan was approved").
   */
  readonly outcome?: FairnessOutcome;
  /** Window of calls: the last `size` grouped calls, or the last `durationMs`, in `buckets` buckets (default 10). Default `{ kind: 'count', size: 1000 }`. */
  readonly window?:
    | { readonly kind: 'count'; readonly size: number; readonly buckets?: number }
    | { readonly kind: 'time'; readonly durationMs: number; readonly buckets?: number };
  /** Groups with fewer calls in the window are "insufficient data": reported, never compared. Default 100. */
  readonly minPerGroup?: number;
  /** Trip only when max − min outcome rate exceeds this. Default 0.05. */
  readonly maxDelta?: number;
  /**
   * Significance level of the window's two-proportion test, after the Bonferroni/Holm correction for
   * the number of group pairs. Default 1e-3 (with `sequential`, the test confirms an alarm; without
   * it, the test runs on every call and needs a far smaller α, e.g. 1e-5; see docs/fairness.md).
   */
  readonly alpha?: number;
  /**
   * Sequential evidence that gates the window test (default on): per group, a two-sided Bernoulli
   * CUSUM of its outcomes against the other groups' rate (an EWMA over their calls, `memory`
   * calls long, default 8 000), designed for a gap of `detectDelta` (default 2 × `maxDelta`); the window test runs
   * only while a sufficient group's CUSUM is at or above `threshold` nats (default 18). `false`
   * trips on the window test alone, re-run on every call.
   */
  readonly sequential?:
    false | { readonly threshold?: number; readonly memory?: number; readonly detectDelta?: number };
  /** At most this many groups are tracked at once (memory bound); calls of further groups are counted as overflow. Default 20. */
  readonly maxGroups?: number;
  /** Text of the request, for identity terms. Default: `context.requestText` when it is a string. */
  readonly requestText?: (context: CallContext) => string | undefined;
  /** Identity terms (axis → group → words), or `false` to never infer groups from text. Default {@link DEFAULT_IDENTITY_TERMS}. */
  readonly identityTerms?: IdentityTerms | false;
  /** Axis of the identity terms to compare. Default `gender`. */
  readonly axis?: string;
}

/** One group's numbers in the current window (`insufficient`: below `minPerGroup`, reported, never compared). */
export type FairnessGroupStats = WindowGroup;

/** What the fairness window shows now. */
export interface FairnessSnapshot extends WindowSnapshot {
  /** max − min rate over sufficient groups (0 with fewer than two). */
  readonly delta: number;
  /** Corrected p-value of the max-vs-min comparison (1 with fewer than two sufficient groups). */
  readonly pValue: number;
  /** Calls whose group could not be determined (no key, no or ambiguous identity terms). */
  readonly ungrouped: number;
  /** Calls of groups beyond `maxGroups`. */
  readonly overflow: number;
}

/** The fairness window detector: `observe` per call, plus the window's current numbers. */
export interface FairnessDetector extends WindowDetector {
  snapshot(now?: number): FairnessSnapshot;
  save(): unknown;
  restore(state: unknown): void;
}

/**
 * A zod number whose messages are guard()'s, from the rule library's `number()` ("must be a
 * number < 1", "must be an integer >= 2"), and whose bounds stay zod checks (the config file's
 * JSON Schema reads them).
 */
function numberIn(bounds: NumberBounds): z.ZodNumber {
  const { int, gt, gte, lt, lte } = bounds;
  const mustBe = (only: NumberBounds) => ({ error: `must be ${number({ int, ...only }).expected}` });
  let s = z.number({ error: (issue) => (issue.input === undefined ? 'is required' : mustBe(bounds).error) });
  if (int) s = s.int(mustBe(bounds));
  if (gt !== undefined) s = s.gt(gt, mustBe({ gt }));
  if (gte !== undefined) s = s.gte(gte, mustBe({ gte }));
  if (lt !== undefined) s = s.lt(lt, mustBe({ lt }));
  if (lte !== undefined) s = s.lte(lte, mustBe({ lte }));
  return s;
}

/** A non-empty string, worded as guard()'s `string({ min: 1 })`. */
const nonEmpty = () =>
  z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string', abort: true });

/** The fairness window's options; the config file's `fairness` entry reads the same schema. */
export const fairnessWindowSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('count'),
      size: numberIn({ int: true, gte: 2, lte: 10_000_000 }),
      buckets: numberIn({ int: true, gte: 1, lte: 1_000 }).optional(),
    }),
    z.strictObject({
      kind: z.literal('time'),
      durationMs: numberIn({ gt: 0 }),
      buckets: numberIn({ int: true, gte: 1, lte: 1_000 }).optional(),
    }),
  ],
  { error: "must be { kind: 'count', size } or { kind: 'time', durationMs }" },
);

const schema = z.strictObject(
  {
    name: nonEmpty()
      .max(100, 'must have at most 100 characters')
      .regex(/^[A-Za-z0-9_.:-]+$/, 'must contain only letters, digits and _ . : -')
      .default('fairness'),
    group: z
      .union(
        [
          nonEmpty(),
          z.custom<(call: CallRecord) => string | undefined>((v) => typeof v === 'function', {
            message: 'must be a context key or a function',
          }),
        ],
        { error: 'must be a context key or a function' },
      )
      .optional(),
    outcome: z
      .union(
        [
          z.enum(['blocked', 'flagged']),
          z.strictObject({ detector: nonEmpty() }),
          z.custom<(call: CallRecord) => boolean>((v) => typeof v === 'function', {
            message: "must be 'blocked', 'flagged', { detector } or a function",
          }),
        ],
        { error: "must be 'blocked', 'flagged', { detector } or a function" },
      )
      .default('blocked'),
    window: fairnessWindowSchema.default({ kind: 'count', size: 1000 }),
    minPerGroup: numberIn({ int: true, gte: 1 }).default(100),
    maxDelta: numberIn({ gte: 0, lt: 1 }).default(0.05),
    alpha: numberIn({ gt: 0, lt: 1 }).default(1e-3),
    sequential: z
      .union(
        [
          z.literal(false),
          z.strictObject({
            threshold: numberIn({ gt: 0, lte: 1_000 }).default(18),
            memory: numberIn({ int: true, gte: 10, lte: 10_000_000 }).default(8_000),
            detectDelta: numberIn({ gt: 0, lt: 1 }).optional(),
          }),
        ],
        { error: 'must be false or { threshold, memory, detectDelta }' },
      )
      .default({ threshold: 18, memory: 8_000 }),
    maxGroups: numberIn({ int: true, gte: 2, lte: 1_000 }).default(20),
    requestText: z
      .custom<(context: CallContext) => string | undefined>((v) => typeof v === 'function', {
        message: 'must be a function (context) => string',
      })
      .optional(),
    identityTerms: z
      .union([z.literal(false), z.record(z.string(), z.record(z.string(), z.array(z.string())))], {
        error: 'must be false or { axis: { group: [terms] } }',
      })
      .optional(),
    axis: nonEmpty().default('gender'),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object' : undefined) },
);

interface GroupCounts {
  readonly calls: Float64Array;
  readonly hits: Float64Array;
  n: number;
  x: number;
}

/** An evaluation that tripped: the worst pair and every group's numbers. */
export interface FairnessVerdict {
  readonly delta: number;
  readonly pValue: number;
  readonly exact: boolean;
  readonly high: string;
  readonly low: string;
  /** The sequential evidence (nats) that raised the alarm, and the group whose statistic it was (absent without `sequential`). */
  readonly evidence?: number;
  readonly alarmed?: string;
}

/**
 * Bucketed per-group outcome counts over a sliding window, and the trip rule: delta = max − min
 * rate over groups with at least `minPerGroup` calls; trip when delta > `maxDelta` and the
 * two-proportion test (Fisher's exact test for small counts, else z) of the max and min groups
 * rejects equality at `alpha` after a Bonferroni correction for the k(k−1)/2 pairs (for "any
 * pair differs" Holm's first step is the same). Groups are compared with each other over the
 * same window, never with a learned baseline, so a drift of every group together is not a gap.
 * With `sequential`, the rule is evaluated only while a sufficient group's CUSUM against the
 * other groups' rate is at or above its threshold (see {@link GroupCusum}).
 */
export class FairnessWindow {
  readonly groups = new Map<string, GroupCounts>();
  private readonly buckets: number;
  private readonly bucketWidth: number;
  private tick = -1;
  private seen = 0;
  overflow = 0;
  /** Sequential evidence per group; when present, the window test runs only once a group's CUSUM alarms. */
  readonly cusum: GroupCusum | undefined;

  constructor(
    private readonly window:
      | { kind: 'count'; size: number; buckets?: number | undefined }
      | { kind: 'time'; durationMs: number; buckets?: number | undefined },
    private readonly minPerGroup: number,
    private readonly maxDelta: number,
    private readonly alpha: number,
    private readonly maxGroups: number,
    sequential?: GroupCusumOptions,
  ) {
    this.buckets = window.buckets ?? 10;
    this.bucketWidth =
      window.kind === 'count' ? Math.max(1, Math.ceil(window.size / this.buckets)) : window.durationMs / this.buckets;
    this.cusum = sequential && new GroupCusum(sequential);
    this.threshold = sequential?.threshold ?? 0;
  }

  private readonly threshold: number;

  /** Counts one call; returns a verdict when the window now shows an unfair gap. */
  add(group: string, hit: boolean, now: number): FairnessVerdict | undefined {
    this.advance(
      this.window.kind === 'count' ? Math.floor(this.seen / this.bucketWidth) : Math.floor(now / this.bucketWidth),
    );
    let g = this.groups.get(group);
    if (!g) {
      if (this.groups.size >= this.maxGroups) {
        this.overflow++;
        return undefined;
      }
      g = { calls: new Float64Array(this.buckets), hits: new Float64Array(this.buckets), n: 0, x: 0 };
      this.groups.set(group, g);
    }
    this.seen++;
    const slot = this.tick % this.buckets;
    g.calls[slot]!++;
    g.n++;
    if (hit) {
      g.hits[slot]!++;
      g.x++;
    }
    if (!this.cusum) return this.evaluate();
    // The window test confirms (and explains) an alarm; it never runs on its own, so testing on every call costs no false trips.
    const evidence = this.cusum.add(group, hit, this.cusum.states.has(group) ? undefined : this.othersThan(group));
    if (evidence < this.threshold || g.n < this.minPerGroup) return undefined;
    const verdict = this.evaluate();
    return verdict && { ...verdict, evidence, alarmed: group };
  }

  /** Calls and outcomes of every group but `group` in the window. */
  private othersThan(group: string): { calls: number; hits: number } {
    let calls = 0;
    let hits = 0;
    for (const [name, g] of this.groups) {
      if (name === group) continue;
      calls += g.n;
      hits += g.x;
    }
    return { calls, hits };
  }

  /** Drops buckets that left the window at `now` (time windows). */
  expire(now: number): void {
    if (this.window.kind === 'time') this.advance(Math.floor(now / this.bucketWidth));
  }

  evaluate(): FairnessVerdict | undefined {
    let hi: GroupCounts | undefined;
    let lo: GroupCounts | undefined;
    let hiName = '';
    let loName = '';
    let k = 0;
    for (const [name, g] of this.groups) {
      if (g.n < this.minPerGroup) continue;
      k++;
      const r = g.x / g.n;
      if (!hi || r > hi.x / hi.n) {
        hi = g;
        hiName = name;
      }
      if (!lo || r < lo.x / lo.n) {
        lo = g;
        loName = name;
      }
    }
    if (k < 2 || !hi || !lo) return undefined;
    const delta = hi.x / hi.n - lo.x / lo.n;
    if (!(delta > this.maxDelta)) return undefined;
    const test = twoProportionTest(hi.x, hi.n, lo.x, lo.n);
    const pValue = bonferroni(test.p, (k * (k - 1)) / 2);
    if (pValue >= this.alpha) return undefined;
    return { delta, pValue, exact: test.exact, high: hiName, low: loName };
  }

  /** The corrected p-value and delta of the current max-vs-min pair, without the trip rule. */
  current(): { delta: number; pValue: number } {
    const eligible = [...this.groups.values()].filter((g) => g.n >= this.minPerGroup && g.n > 0);
    if (eligible.length < 2) return { delta: 0, pValue: 1 };
    eligible.sort((a, b) => a.x / a.n - b.x / b.n);
    const lo = eligible[0]!;
    const hi = eligible[eligible.length - 1]!;
    const k = eligible.length;
    return {
      delta: hi.x / hi.n - lo.x / lo.n,
      pValue: bonferroni(twoProportionTest(hi.x, hi.n, lo.x, lo.n).p, (k * (k - 1)) / 2),
    };
  }

  save(): Saved {
    const groups = [...this.groups].map(([group, g]) => ({ group, calls: floats(g.calls), hits: floats(g.hits) }));
    return {
      groups,
      tick: this.tick,
      seen: this.seen,
      overflow: this.overflow,
      ...(this.cusum && { cusum: this.cusum.save() }),
    };
  }

  restore(state: unknown): void {
    const s = record(state, 'fairness window');
    this.reset();
    if (!Array.isArray(s.groups) || s.groups.length > this.maxGroups)
      throw new TypeError(`fairness window groups: expected at most ${this.maxGroups} groups`);
    for (const saved of s.groups) {
      const g = record(saved, 'fairness window group');
      if (typeof g.group !== 'string') throw new TypeError('fairness window group: expected a group name');
      const counts: GroupCounts = {
        calls: new Float64Array(this.buckets),
        hits: new Float64Array(this.buckets),
        n: 0,
        x: 0,
      };
      readFloats(g.calls, counts.calls, `fairness group ${g.group} calls`);
      readFloats(g.hits, counts.hits, `fairness group ${g.group} outcomes`);
      for (let i = 0; i < this.buckets; i++) {
        counts.n += counts.calls[i]!;
        counts.x += counts.hits[i]!;
      }
      this.groups.set(g.group, counts);
    }
    this.tick = num(s.tick, 'fairness window tick');
    this.seen = num(s.seen, 'fairness window seen');
    this.overflow = num(s.overflow, 'fairness window overflow');
    if (this.cusum && s.cusum !== undefined) this.cusum.restore(s.cusum);
  }

  reset(): void {
    this.groups.clear();
    this.cusum?.reset();
    this.tick = -1;
    this.seen = 0;
    this.overflow = 0;
  }

  private advance(tick: number): void {
    if (tick <= this.tick) return;
    const steps = this.tick < 0 ? 0 : Math.min(this.buckets, tick - this.tick);
    for (let s = 1; s <= steps; s++) {
      const slot = (this.tick + s) % this.buckets;
      for (const [name, g] of this.groups) {
        g.n -= g.calls[slot]!;
        g.x -= g.hits[slot]!;
        g.calls[slot] = 0;
        g.hits[slot] = 0;
        if (g.n === 0) {
          this.groups.delete(name); // frees the slot for another group
          this.cusum?.delete(name);
        }
      }
    }
    this.tick = tick;
  }
}

/**
 * Fairness across groups on live traffic: trips the breaker when the outcome rate (blocked,
 * flagged, refused, …) of one group differs from another's by more than `maxDelta` over the
 * window, and a corrected two-proportion test says the gap is not noise. Groups below
 * `minPerGroup` are listed as insufficient data. The trip reason carries each group's rate and
 * count. Memory: `maxGroups` × `buckets` counters.
 *
 * ```ts
 * const chat = guard(callModel, {
 *   name: 'chat',
 *   detectors: [toxicity(), fairness({ group: 'group', outcome: { detector: 'refusal' } })],
 * });
 * ```
 */
export function fairness(options: FairnessOptions = {}): FairnessDetector {
  const o = parseOptions(fromZod(schema), options, 'fairness()');
  const name = o.name;
  const sequential =
    o.sequential === false
      ? undefined
      : {
          threshold: o.sequential.threshold,
          memory: o.sequential.memory,
          detectDelta: o.sequential.detectDelta ?? Math.min(0.5, 2 * o.maxDelta || 0.05),
          minReference: o.minPerGroup,
        };
  const win = new FairnessWindow(o.window, o.minPerGroup, o.maxDelta, o.alpha, o.maxGroups, sequential);
  const terms =
    o.identityTerms === false
      ? undefined
      : termIndex((o.identityTerms as IdentityTerms | undefined) ?? DEFAULT_IDENTITY_TERMS, o.axis);
  const groupOption = o.group as FairnessOptions['group'];
  const groupOf: (call: CallRecord) => string | undefined =
    typeof groupOption === 'function'
      ? groupOption
      : typeof groupOption === 'string'
        ? (call) => {
            const v = call.context[groupOption];
            return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
          }
        : () => undefined;
  const textOf =
    (o.requestText as FairnessOptions['requestText']) ??
    ((context: CallContext) => (typeof context.requestText === 'string' ? context.requestText : undefined));
  const outcome = o.outcome as FairnessOutcome;
  const hitOf: (call: CallRecord) => boolean =
    outcome === 'blocked'
      ? (call) => call.blocked
      : outcome === 'flagged'
        ? (call) => call.blocked || call.signals.some((s) => s.flagged || s.blocked)
        : typeof outcome === 'function'
          ? (call) => outcome(call) === true
          : (call) => call.signals.some((s) => s.detector === outcome.detector && (s.flagged || s.blocked === true));
  let ungrouped = 0;

  const snapshot = (now?: number): FairnessSnapshot => {
    if (now !== undefined) win.expire(now);
    const groups = [...win.groups].map(([group, g]) => ({
      group,
      calls: g.n,
      outcomes: g.x,
      rate: g.n === 0 ? 0 : g.x / g.n,
      insufficient: g.n < o.minPerGroup,
    }));
    groups.sort((a, b) => (a.group < b.group ? -1 : 1));
    const { delta, pValue } = win.current();
    return {
      detector: name,
      groups,
      insufficient: groups.filter((g) => g.insufficient).map((g) => g.group),
      delta,
      pValue,
      ungrouped,
      overflow: win.overflow,
    };
  };

  return {
    name,
    kind: 'window',
    observe(call: CallRecord): Signal | undefined {
      let group = groupOf(call);
      if (group === undefined && terms) {
        const text = textOf(call.context);
        if (typeof text === 'string' && text !== '') group = groupFromText(text, terms);
      }
      if (group === undefined) {
        ungrouped++;
        return undefined;
      }
      const verdict = win.add(group, hitOf(call), call.now);
      if (!verdict) return undefined;
      const snap = snapshot();
      const scores: Record<string, number> = {
        delta: verdict.delta,
        pValue: verdict.pValue,
        maxDelta: o.maxDelta,
        alpha: o.alpha,
        ...(verdict.evidence !== undefined && { evidence: verdict.evidence }),
      };
      for (const g of snap.groups) {
        scores[`rate:${g.group}`] = g.rate;
        scores[`calls:${g.group}`] = g.calls;
      }
      const listed = snap.groups
        .map(
          (g) =>
            `${g.group} ${(g.rate * 100).toFixed(1)} % of ${g.calls}${g.insufficient ? ' (insufficient data)' : ''}`,
        )
        .join(', ');
      return {
        detector: name,
        score: Math.min(1, verdict.delta),
        flagged: true,
        reason: `outcome rate gap of ${(verdict.delta * 100).toFixed(1)} points between ${verdict.high} and ${verdict.low} (> ${(o.maxDelta * 100).toFixed(1)}; ${verdict.exact ? 'Fisher exact' : 'z'} test p = ${verdict.pValue.toExponential(2)} < ${o.alpha} after correction${verdict.evidence === undefined ? '' : `; sequential evidence for ${verdict.alarmed} ${verdict.evidence.toFixed(1)} ≥ ${sequential?.threshold} nats`}): ${listed}`,
        scores,
      };
    },
    reset() {
      win.reset();
      ungrouped = 0;
    },
    snapshot,
    save: () => ({ window: win.save(), ungrouped }),
    restore(state: unknown) {
      const s = record(state, `window detector ${name}`);
      win.restore(s.window);
      ungrouped = num(s.ungrouped, `${name} ungrouped`);
    },
  };
}
