import type { Registry } from 'prom-client';
import { isTripPolicy, tripPolicySpecRule, type TripPolicy, type TripPolicySpec } from './breaker/policies/index.js';
import type { RecoveryOptions } from './breaker/state-machine.js';
import type { AsyncQueueOptions } from './detectors/async-queue.js';
import type { CallContext, Detector } from './detectors/types.js';
import type { RetryOptions } from './routing/invoke.js';
import {
  array,
  boolean,
  custom,
  literal,
  number,
  object,
  oneOf,
  optional,
  refine,
  string,
  union,
  withDefault,
  type OutputOf as RuleOutput,
} from './rules/index.js';
import { isSaveEveryMs, SAVE_EVERY_MS_RANGE, type BreakerStore } from './store/types.js';
import type { Fallback } from './routing/routes.js';
import { isLogger, type Logger } from './telemetry/logging.js';
import type { TracingOptions } from './telemetry/tracing.js';
import { streamOptionsRule, type ChunkOf, type StreamOptions } from './stream/options.js';

/** A function that calls a model, sync or async. Its parameters and result type carry through `guard()` (a sync result comes back as a promise). */
export type ModelFunction = (...args: never[]) => unknown;
export type ArgsOf<F extends ModelFunction> = Parameters<F>;
export type OutputOf<F extends ModelFunction> = Awaited<ReturnType<F>>;

/** enforce: detect, block and route; shadow: detect and record only, never switch traffic; disabled: pass straight through. */
export type Mode = 'enforce' | 'shadow' | 'disabled';

export interface SafeReplyInfo {
  readonly breaker: string;
  /** The breaker's state when every route was exhausted. */
  readonly state: string;
  readonly context: CallContext;
  /**
   * What the caller gets without a safe reply: `BreakerOpenError`, `OutputBlockedError` or the last
   * route's own error. A safe reply that throws (`throw info.error`) declines: the caller gets that
   * error and the call counts as exhausted, e.g. to answer blocked outputs only.
   */
  readonly error: unknown;
}

export interface GuardOptions<F extends ModelFunction> {
  /** The breaker's name: a metric label, so take it from configuration, never from a request. */
  name: string;
  /** Hot-path, async and window detectors. Default: `[toxicity()]`. Pass `[]` for none. */
  detectors?: readonly Detector[];
  /** Routes tried in order when the primary is open, fails or is blocked: functions, opossum breakers, or `{ name, run }`. */
  fallbacks?: readonly Fallback<ArgsOf<F>, OutputOf<F>>[];
  /** Returned when every route is exhausted, instead of throwing; a function may throw to decline (see {@link SafeReplyInfo.error}). */
  safeReply?: OutputOf<F> | ((info: SafeReplyInfo) => OutputOf<F>);
  /** What detectors read from an output. Default understands strings, OpenAI, Anthropic and Vercel AI SDK results. */
  text?: (output: OutputOf<F>) => string;
  /**
   * Trip policy (or several: any one trips). Default: `[{ policy: 'cusum' }, { policy: 'wilson', threshold: 0.2 }]`:
   * a CUSUM that learns the normal bad-call rate p0 in its first 50 000 calls and then trips on a
   * rise towards 8 × p0 (≤ 1 % chance of a false trip per 10⁶ calls), plus a Wilson backstop for
   * gross failures, including during the warm-up. See docs/trip-policies.md.
   */
  trip?: TripPolicySpec | TripPolicy | readonly (TripPolicySpec | TripPolicy)[];
  /**
   * Probe suite for half-open: argument lists for the primary (one array per probe, e.g.
   * `[[{ model, messages }], …]`). After the recovery delay, no real call reaches the primary
   * until every probe's output passes every detector; then the usual `recovery.probes` real calls
   * are admitted. A failing probe reopens the breaker (with backoff).
   */
  probes?: readonly NoInfer<ArgsOf<F>>[];
  /** Recovery after a trip. Defaults: `afterMs` 30 s, `backoff` 2, `capMs` 5 min, `probes` 3. */
  recovery?: Partial<RecoveryOptions>;
  /** Time budget of the hot-path detectors per call, ms (default 5): overruns emit `budget-exceeded`. */
  budgetMs?: number;
  /** Timeout of each attempt on each route, ms (default 60 000; 0 = none). */
  timeoutMs?: number;
  /** Retries of transient provider errors (429, 5xx, network) before a call counts as failed. Default `{ retries: 2, minTimeoutMs: 200, maxTimeoutMs: 2000 }`; `false` for none. */
  retry?: Partial<RetryOptions> | false;
  /** What a throwing detector means for the output: `pass` (default) or `block`. Either way it is counted. */
  onDetectorError?: 'pass' | 'block';
  /** Default `enforce`. */
  mode?: Mode;
  /** Adds call context from the call's arguments (merged over the HTTP integration's context). */
  context?: (...args: ArgsOf<F>) => CallContext;
  /** The app's prom-client registry. Without it, no metrics are written (the global registry is never used). */
  registry?: Registry;
  /** A pino (or compatible) logger. Default: silent. Prompts and outputs are never logged. */
  logger?: Logger;
  /** The queue of async detectors. Defaults: `size` 1 000, `concurrency` 4, `timeoutMs` 10 000. */
  asyncQueue?: Partial<AsyncQueueOptions>;
  /** Clock in ms (default `Date.now`); replay and tests pass a virtual one, which then also times each call (latency = clock after − clock before). */
  clock?: () => number;
  /**
   * Where the breaker's state lives beyond this object (`memoryStore()`, or your own): restored
   * when the guard is built, saved on every state change, when a trip policy's learned baseline
   * changes, every `store.saveEveryMs` if set, and on `dispose()`. Default: none.
   */
  store?: BreakerStore;
  /** OpenTelemetry spans per route call (GenAI conventions), `true` for defaults. Needs `@opentelemetry/api`. Off by default. */
  tracing?: boolean | TracingOptions<ArgsOf<F>>;
  /** Streamed answers (a model function that returns a stream): hold-back, what a cut does, how chunks are read. See docs/streaming.md. */
  stream?: StreamOptions<ArgsOf<F>, ChunkOf<OutputOf<F>>>;
}

/** Breaker and detector names become metric labels: short, and only characters a query and a dashboard can carry. */
export const LABEL_NAME = /^[A-Za-z0-9_.:-]+$/;
export const LABEL_NAME_MAX = 100;
const LABEL_NAME_RULE = 'must contain only letters, digits and _ . : -';

/** What is wrong with a name used as a metric label, or undefined when it is fine. */
export function labelNameProblem(name: string): string | undefined {
  if (name.length <= LABEL_NAME_MAX && LABEL_NAME.test(name)) return undefined;
  const length = name.length > LABEL_NAME_MAX ? `; it has ${name.length}` : '';
  return `must be 1 to ${LABEL_NAME_MAX} characters and ${LABEL_NAME_RULE.slice('must '.length)}${length}`;
}

/** A name as an error message shows it: quoted and escaped (no raw newlines or escapes), cut at 40 characters. */
export const showName = (name: string): string => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);

/** Why `list` cannot be a guard's detectors (names unfit for labels, or two alike), or undefined. */
export function detectorNamesProblem(
  list: readonly { readonly name: string }[],
): { index?: number; message: string } | undefined {
  const names = new Set<string>();
  for (let index = 0; index < list.length; index++) {
    const { name } = list[index]!;
    const problem = labelNameProblem(name);
    if (problem) return { index, message: `detector name ${showName(name)} ${problem} (it is a metric label)` };
    if (names.has(name))
      return { message: `two detectors are named ${showName(name)}; names must be unique (they are metric labels)` };
    names.add(name);
  }
  return undefined;
}

/** A breaker's name: a metric label (notifier names follow it too). */
export const breakerName = string({
  min: 1,
  max: LABEL_NAME_MAX,
  pattern: LABEL_NAME,
  patternMessage: LABEL_NAME_RULE,
});

const fn = (what: string) => custom<(...args: never[]) => unknown>((v) => typeof v === 'function', `must be ${what}`);

const detectorRule = custom<Detector>((v) => {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  if (typeof d.name !== 'string' || d.name === '') return false;
  return d.kind === 'window'
    ? typeof d.observe === 'function' && typeof d.reset === 'function'
    : typeof d.detect === 'function';
}, 'must be a detector: { name, detect(input) } (or { name, kind: "window", observe, reset })');

const fallbackRule = custom<Fallback<never[], unknown>>(
  (v) =>
    typeof v === 'function' ||
    (typeof v === 'object' &&
      v !== null &&
      (typeof (v as { fire?: unknown }).fire === 'function' ||
        (typeof (v as { name?: unknown }).name === 'string' && typeof (v as { run?: unknown }).run === 'function'))),
  'must be a function, an opossum CircuitBreaker, or { name, run }',
);

/** An object with the methods `has` checks for. */
const shaped = <T>(has: (v: object) => boolean, message: string) =>
  custom<T>((v) => typeof v === 'object' && v !== null && has(v), message);

/** The app's prom-client registry (the guard's, and the notify queue's). */
export const registryRule = shaped<Registry>(
  (v) => typeof (v as Registry).registerMetric === 'function' && typeof (v as Registry).getSingleMetric === 'function',
  'must be a prom-client Registry',
);
export const loggerRule = custom<Logger>(isLogger, 'must be a pino-compatible logger (debug, info, warn, error)');

const policyRule = union([
  custom<TripPolicy>(isTripPolicy, 'must be a TripPolicy (observe, snapshot)'),
  tripPolicySpecRule,
]);

/** The trip policies of a guard that names none (the rationale and the bench: docs/trip-policies.md). */
export const DEFAULT_TRIP: readonly TripPolicySpec[] = [{ policy: 'cusum' }, { policy: 'wilson', threshold: 0.2 }];

/** Node's timers fire at once (and warn) past 2^31 − 1 ms, so a longer timeout would spin. */
const MAX_TIMER_MS = 2_147_483_647;
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
const ms = (min: number, fallback: number) => withDefault(number({ gte: min, lte: MAX_TIMER_MS }), fallback);
const count = (min: number, max: number, fallback: number) =>
  withDefault(number({ int: true, gte: min, lte: max }), fallback);
const positive = (fallback: number) => withDefault(number({ gt: 0, lte: MAX_TIMER_MS }), fallback);

// Rules, not zod: a guard's option checks are on every app's bundle (src/rules/index.ts says why).
export const guardOptionsRule = object({
  name: breakerName,
  stream: streamOptionsRule,
  // Checked here, before guard() writes any series, and again by buildLive() for the default detectors.
  detectors: optional(
    refine(
      array(detectorRule),
      (list) => {
        const problem = detectorNamesProblem(list);
        return problem ? { message: problem.message, path: problem.index === undefined ? [] : [problem.index] } : true;
      },
      'detector names must be unique metric labels',
    ),
  ),
  fallbacks: withDefault(array(fallbackRule), []),
  safeReply: optional(custom<unknown>(() => true, 'anything')),
  text: optional(fn('a function (output) => string')),
  trip: withDefault(union([policyRule, array(policyRule, { min: 1 })]), DEFAULT_TRIP),
  recovery: withDefault(
    object({
      afterMs: ms(0, 30_000),
      backoff: withDefault(number({ gte: 1 }), 2),
      capMs: ms(0, 300_000),
      probes: count(1, 1_000, 3),
    }),
    {},
  ),
  probes: optional(
    array(custom<unknown[]>(Array.isArray, 'must be an array of arguments for the guarded function'), {
      min: 1,
      max: 100,
    }),
  ),
  budgetMs: positive(5),
  timeoutMs: ms(0, 60_000),
  retry: withDefault(
    union([
      literal(false),
      object({
        retries: count(0, 10, 2),
        minTimeoutMs: ms(0, 200),
        maxTimeoutMs: ms(0, 2_000),
      }),
    ]),
    {},
  ),
  onDetectorError: withDefault(oneOf(['pass', 'block']), 'pass'),
  mode: withDefault(oneOf(['enforce', 'shadow', 'disabled']), 'enforce'),
  context: optional(fn('a function (...args) => context object')),
  registry: optional(registryRule),
  logger: optional(loggerRule),
  asyncQueue: withDefault(
    object({
      size: count(1, UNBOUNDED, 1_000),
      concurrency: count(1, UNBOUNDED, 4),
      timeoutMs: positive(10_000),
    }),
    {},
  ),
  clock: optional(fn('a function () => milliseconds')),
  store: optional(
    shaped<BreakerStore>(
      (v) =>
        typeof (v as BreakerStore).load === 'function' &&
        typeof (v as BreakerStore).save === 'function' &&
        isSaveEveryMs((v as BreakerStore).saveEveryMs),
      `must be a store: { load(name), save(name, snapshot) }, with saveEveryMs, if any, ${SAVE_EVERY_MS_RANGE}`,
    ),
  ),
  tracing: optional(
    union([
      boolean(),
      object({
        tracer: optional(
          shaped<object>(
            (v) => typeof (v as { startSpan?: unknown }).startSpan === 'function',
            'must be an OpenTelemetry Tracer',
          ),
        ),
        provider: optional(union([string({ min: 1 }), fn('a function (route) => provider name')])),
        operation: optional(string({ min: 1 })),
        model: optional(fn('a function (args, route) => model name')),
        recordContent: optional(
          union([boolean(), object({ redact: optional(fn('a function (text) => redacted text')) })]),
        ),
      }),
    ]),
  ),
});

export type ParsedGuardOptions = RuleOutput<typeof guardOptionsRule>;
