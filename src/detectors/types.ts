/**
 * The detector interface. A detector reads one call (or, for window detectors, a population of
 * calls) and returns a {@link Signal}. Scores are in [0, 1]; each detector documents what its
 * score means.
 */

/** Request-scoped context a call carries: from the HTTP integration, `options.context(args)`, or `guarded.with({ context })`. */
export type CallContext = Readonly<Record<string, unknown>>;

/** What a detector says about one output. */
export interface Signal {
  /** The detector's name, as used in metrics and events. */
  readonly detector: string;
  /** In [0, 1]; the meaning is the detector's own (documented per detector). */
  readonly score: number;
  /** Counts against the model in the breaker's windows. */
  readonly flagged: boolean;
  /** This single output must not reach the caller. Implies `flagged`. */
  readonly blocked?: boolean;
  /** Short human-readable reason; never contains the output text unless the operator opted in. */
  readonly reason?: string;
  /** Optional per-category scores, for detectors that score several things at once. */
  readonly scores?: Readonly<Record<string, number>>;
  /** The call was slow (`latency()` says so): trip policies see it as `Observation.slow`. */
  readonly slow?: boolean;
}

/** What hot-path and async detectors read. */
export interface DetectorInput {
  /** The text extracted from the output by the guard's `text(output)`. Empty for errors. */
  readonly text: string;
  /** The raw output of the route (undefined when the call failed). */
  readonly output: unknown;
  /** Wall-clock duration of the route call in milliseconds. */
  readonly latencyMs: number;
  /** The route that produced the output: `primary`, a fallback's name. */
  readonly route: string;
  /** The breaker's name. */
  readonly breaker: string;
  /** The call's context. */
  readonly context: CallContext;
  /** A streamed answer: milliseconds from the call to its first chunk (`latencyMs` is then the whole stream's time). */
  readonly firstTokenMs?: number;
}

/** What a detector knows when a streamed answer starts (docs/streaming.md). */
export type StreamStart = Omit<DetectorInput, 'text' | 'output' | 'latencyMs' | 'firstTokenMs'>;

/**
 * One streamed answer as an incremental detector reads it: each piece of text once, with work
 * linear in the piece (never a re-read of what came before).
 */
export interface DetectorStream {
  /** Reads the next piece of text; returns a blocking signal as soon as the text so far must not be shown, else undefined. */
  push(text: string): Signal | undefined;
  /** The text ended (or was cut): the signal for all of it, the same `detect()` gives for the whole text. */
  end(): Signal;
}

/**
 * A synchronous detector run inline on every output, inside the per-call time budget.
 * Keep it fast (microseconds): it runs on the response path.
 */
export interface HotPathDetector {
  readonly name: string;
  readonly kind?: 'hot-path';
  detect(input: DetectorInput): Signal;
  /** `false` when `detect()` never reads `text` (`latency()`): a streamed answer's text is not kept for it. */
  readonly readsText?: boolean;
  /**
   * Optional: reads a streamed answer piece by piece (docs/streaming.md). Without it, a streamed
   * answer is judged by `detect()` once, when the stream ends.
   */
  stream?(start: StreamStart): DetectorStream;
}

/**
 * A detector that runs off the response path (a remote moderation API, a heavy model). Its
 * signals feed only the breaker's windows; it can never block the output it reads.
 */
export interface AsyncDetector {
  readonly name: string;
  readonly kind: 'async';
  detect(input: DetectorInput, signal: AbortSignal): Promise<Signal>;
}

/** One finished call as a window detector sees it. */
export interface CallRecord extends DetectorInput {
  /** Signals from the hot-path detectors of this call. */
  readonly signals: readonly Signal[];
  /** The output was blocked. */
  readonly blocked: boolean;
  /** The call failed (provider error or timeout). */
  readonly failed: boolean;
  /** Monotonic time of the call's end, in milliseconds. */
  readonly now: number;
}

/**
 * A detector that judges a population of calls (fairness across groups). It sees every primary
 * call after the verdict and may return a signal that trips the breaker on its own.
 */
export interface WindowDetector {
  readonly name: string;
  readonly kind: 'window';
  observe(call: CallRecord): Signal | undefined;
  reset(): void;
  /** What the window shows now: listed in `stats().windows` and the window metrics. */
  snapshot?(now?: number): WindowSnapshot;
  /** Everything the window has counted, as JSON-safe data (for `guarded.snapshot()` and stores). */
  save?(): unknown;
  /** Puts back what `save()` returned. Throws a `TypeError` on data it cannot read. */
  restore?(state: unknown): void;
}

/** One group of a window detector's population (a fairness group). */
export interface WindowGroup {
  readonly group: string;
  readonly calls: number;
  /** Calls with the outcome the detector compares. */
  readonly outcomes: number;
  readonly rate: number;
  /** Too few calls to be compared: reported, never judged. */
  readonly insufficient: boolean;
}

/** What a window detector shows about its window; detectors may add their own fields. */
export interface WindowSnapshot {
  readonly detector: string;
  readonly groups: readonly WindowGroup[];
  /** Names of the groups with too few calls to be compared. */
  readonly insufficient: readonly string[];
}

export type Detector = HotPathDetector | AsyncDetector | WindowDetector;

export function isAsyncDetector(d: Detector): d is AsyncDetector {
  return d.kind === 'async';
}

export function isWindowDetector(d: Detector): d is WindowDetector {
  return d.kind === 'window';
}

export function isHotPathDetector(d: Detector): d is HotPathDetector {
  return d.kind === undefined || d.kind === 'hot-path';
}
