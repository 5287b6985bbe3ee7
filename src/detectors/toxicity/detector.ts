/**
 * The `toxicity()` hot-path detector: scans `input.text` once and turns the five category scores
 * into a signal with per-category `flag` and `block` thresholds.
 */
import { z } from 'zod';
import { formatIssues } from '../../validation.js';
import type { DetectorInput, DetectorStream, HotPathDetector, Signal } from '../types.js';
import {
  CATEGORIES,
  prepareScanner,
  scanToxicity,
  ToxicityScanner,
  type ToxicityCategory,
  type ToxicityResult,
  type ToxicityScores,
  type ToxicitySpan,
} from './scanner.js';

/** A threshold in [0, 1], or `false` to never act on that category. */
export type ToxicityThreshold = number | false;
export type ToxicityThresholds = Partial<Record<ToxicityCategory, ToxicityThreshold>>;

export interface ToxicityOptions {
  /**
   * Block (withhold the output) when a category's score is at least this. Defaults to
   * {@link DEFAULT_BLOCK}: hate, threats and directed insults — never a cheerful swear word.
   * Categories you pass replace the default for that category only; `false` disables one.
   */
  readonly block?: ToxicityThresholds;
  /**
   * Flag (count against the model in the breaker's window) when a category's score is at least
   * this. Defaults to {@link DEFAULT_FLAG}; profanity alone is not flagged by default.
   */
  readonly flag?: ToxicityThresholds;
  /**
   * Put the matched span's own text in `reason` (never more than the span). Default `false`:
   * the reason gives the category, score, offsets and the kind of evidence only.
   */
  readonly echoSpan?: boolean;
  /** Detector name in signals and metrics. Default `toxicity`. */
  readonly name?: string;
}

/** Default block thresholds. */
export const DEFAULT_BLOCK: Readonly<Record<ToxicityCategory, ToxicityThreshold>> = Object.freeze({
  toxicity: false,
  insult: 0.85,
  profanity: false,
  identity_attack: 0.8,
  threat: 0.8,
});

/** Default flag thresholds. */
export const DEFAULT_FLAG: Readonly<Record<ToxicityCategory, ToxicityThreshold>> = Object.freeze({
  toxicity: 0.5,
  insult: 0.5,
  profanity: false,
  identity_attack: 0.5,
  threat: 0.5,
});

const threshold = z.union([z.number().min(0).max(1), z.literal(false)]);
/** Per-category thresholds (`block` or `flag`): the one schema the detector and config files share. */
export const toxicityThresholdsSchema = z.strictObject(
  Object.fromEntries(CATEGORIES.map((c) => [c, threshold.optional()])) as Record<
    ToxicityCategory,
    z.ZodOptional<typeof threshold>
  >,
);
const thresholds = toxicityThresholdsSchema;
const schema = z.strictObject({
  block: thresholds.optional(),
  flag: thresholds.optional(),
  echoSpan: z.boolean().optional(),
  name: z.string().min(1).optional(),
});

/** One issue in guard()'s words: `unknown option "blok" (…)`, `option "block.threat": must be … (got 2)`. */
function describe(issue: z.core.$ZodIssue, options: unknown): string {
  const path = issue.path.map(String);
  const [first] = path;
  const thresholdsOf = first === 'block' || first === 'flag';
  if (issue.code === 'unrecognized_keys') {
    const known = thresholdsOf
      ? `the categories are ${CATEGORIES.join(', ')}`
      : `the options are ${Object.keys(schema.shape).join(', ')}`;
    return `${formatIssues([{ path, message: '', unknownKeys: issue.keys }], options)} (${known})`;
  }
  const message =
    thresholdsOf && path.length === 2
      ? 'must be a number in [0, 1] or false'
      : thresholdsOf
        ? `must be an object of thresholds by category (${CATEGORIES.join(', ')})`
        : first === 'echoSpan'
          ? 'must be true or false'
          : first === 'name'
            ? 'must be a non-empty string'
            : 'must be an object';
  return formatIssues([{ path, message }], options);
}

function validate(options: unknown): ToxicityOptions {
  const r = schema.safeParse(options ?? {});
  if (r.success) return r.data as ToxicityOptions;
  throw new TypeError(`toxicity(): ${r.error.issues.map((issue) => describe(issue, options)).join('; ')}`);
}

const PRIORITY: readonly ToxicityCategory[] = ['threat', 'identity_attack', 'insult', 'toxicity', 'profanity'];

function resolve(
  defaults: Readonly<Record<ToxicityCategory, ToxicityThreshold>>,
  given: ToxicityThresholds | undefined,
): [ToxicityCategory, number][] {
  const out: [ToxicityCategory, number][] = [];
  for (const c of PRIORITY) {
    const t = given && given[c] !== undefined ? given[c] : defaults[c];
    if (t !== false && t !== undefined) out.push([c, t]);
  }
  return out;
}

function spanFor(spans: readonly ToxicitySpan[], c: ToxicityCategory): ToxicitySpan | undefined {
  let best: ToxicitySpan | undefined;
  for (const s of spans) if (s.category === c && (!best || s.score > best.score)) best = s;
  if (!best && c === 'toxicity') for (const s of spans) if (!best || s.score > best.score) best = s;
  return best;
}

/**
 * A hot-path toxicity detector.
 *
 * `score` is the overall toxicity in [0, 1]; `scores` holds the five categories (see
 * docs/detectors/toxicity.md for what each means). `flagged` when any category reaches its `flag`
 * threshold, `blocked` when any reaches its `block` threshold. `reason` names the category, its
 * score, the span (offsets into the original text) and why it counts.
 *
 * The model's one-time start-up (building the lexicon, decoding the weights, warming
 * the JIT: tens of milliseconds, once per process) happens here, when the detector is created,
 * so no call's detector budget pays for it. Create detectors when you build the guard, not per call.
 *
 * @example
 * const detector = toxicity({ block: { insult: false }, flag: { profanity: 0.9 } });
 * detector.detect({ text: 'that song is fucking awesome', ... }).flagged // false
 *
 * @throws {TypeError} when an option is invalid; the message names the option.
 */
export function toxicity(options?: ToxicityOptions): HotPathDetector {
  const o = validate(options);
  const name = o.name ?? 'toxicity';
  const block = resolve(DEFAULT_BLOCK, o.block);
  const flag = resolve(DEFAULT_FLAG, o.flag);
  const echo = o.echoSpan === true;
  prepareScanner();

  /** The signal of one scan: the highest-scoring category over its threshold names the reason; ties go to the more specific category (threat, then identity_attack, insult, toxicity, profanity). */
  const signalOf = ({ scores, spans }: ToxicityResult, text: string | undefined): Signal => {
    let blocked: ToxicityCategory | undefined;
    for (const [c, t] of block) if (scores[c] >= t && (!blocked || scores[c] > scores[blocked])) blocked = c;
    let flagged: ToxicityCategory | undefined;
    for (const [c, t] of flag) if (scores[c] >= t && (!flagged || scores[c] > scores[flagged])) flagged = c;
    const why = blocked ?? flagged;
    const signal: { -readonly [K in keyof Signal]: Signal[K] } = {
      detector: name,
      score: scores.toxicity,
      flagged: blocked !== undefined || flagged !== undefined,
      scores: scores as Readonly<ToxicityScores>,
    };
    if (blocked) signal.blocked = true;
    if (why)
      signal.reason = reasonFor(why, scores, spanFor(spans, why), blocked !== undefined, echo ? text : undefined);
    return signal;
  };

  return {
    name,
    kind: 'hot-path',
    detect(input: DetectorInput): Signal {
      const text = typeof input.text === 'string' ? input.text : '';
      return signalOf(scanToxicity(text), text);
    },
    // A streamed answer: each piece pushed once; a block shows as soon as the words that make it
    // have ended (committed scores only grow, so it is the whole text's block too).
    stream(): DetectorStream {
      const scanner = new ToxicityScanner();
      return {
        push(text) {
          scanner.push(text);
          const scores = scanner.committedScores();
          if (scores === undefined) return undefined;
          for (const [c, t] of block) if (scores[c] >= t) return signalOf(scanner.result(), undefined);
          return undefined;
        },
        end: () => signalOf(scanner.end(), undefined),
      };
    },
  };
}

function reasonFor(
  c: ToxicityCategory,
  scores: ToxicityScores,
  span: ToxicitySpan | undefined,
  blocked: boolean,
  text: string | undefined,
): string {
  const verb = blocked ? 'blocked' : 'flagged';
  let r = `${verb}: ${c} ${scores[c].toFixed(2)}`;
  if (span) {
    r += ` at [${span.start}, ${span.end}): ${span.why}`;
    if (text !== undefined) r += ` ${JSON.stringify(text.slice(span.start, span.end))}`;
  }
  return r;
}
