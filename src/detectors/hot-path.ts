import type { BreakerMetrics } from '../telemetry/metrics.js';
import type { DetectorInput, HotPathDetector, Signal } from './types.js';

export interface HotPathHooks {
  /** A detector threw; the call goes on as `onDetectorError` says. */
  onDetectorError(detector: string, error: unknown, input: DetectorInput): void;
  /** The detectors of one call ran past the budget; `detector` is the one that crossed it. */
  onBudgetExceeded(detector: string, elapsedMs: number, budgetMs: number, input: DetectorInput): void;
}

export interface HotPathVerdict {
  readonly signals: Signal[];
  /** Some detector flagged (or blocked) the output. */
  readonly flagged: boolean;
  /** Names of the detectors that blocked it; empty when the output may pass. */
  readonly blockedBy: string[];
}

const NO_DETECTORS: HotPathVerdict = Object.freeze({
  signals: Object.freeze([]) as unknown as Signal[],
  flagged: false,
  blockedBy: Object.freeze([]) as unknown as string[],
});

/** Runs the hot-path detectors of one output, each timed, against a per-call budget. */
export class HotPathRunner {
  constructor(
    private readonly detectors: readonly HotPathDetector[],
    private readonly budgetMs: number,
    private readonly onDetectorError: 'pass' | 'block',
    private readonly metrics: BreakerMetrics,
    private readonly hooks: HotPathHooks,
  ) {}

  run(input: DetectorInput): HotPathVerdict {
    if (this.detectors.length === 0) return NO_DETECTORS;
    const signals: Signal[] = [];
    const blockedBy: string[] = [];
    let flagged = false;
    let elapsedMs = 0;
    let overrun = false;
    for (const detector of this.detectors) {
      const started = performance.now();
      let signal: Signal;
      try {
        signal = detector.detect(input);
        if (!isSignal(signal))
          throw new TypeError(`detector "${detector.name}" returned ${describe(signal)}, not a signal`);
      } catch (error) {
        this.metrics.detector(detector.name, 'error');
        this.hooks.onDetectorError(detector.name, error, input);
        const block = this.onDetectorError === 'block';
        signal = {
          detector: detector.name,
          score: block ? 1 : 0,
          flagged: block,
          blocked: block,
          reason: 'detector error',
        };
      }
      const took = performance.now() - started;
      elapsedMs += took;
      if (signal.reason !== 'detector error') {
        this.metrics.detector(detector.name, signal.blocked ? 'block' : signal.flagged ? 'flag' : 'pass', took / 1000);
      }
      if (!overrun && elapsedMs > this.budgetMs) {
        overrun = true;
        this.metrics.budgetOverrun(detector.name);
        this.hooks.onBudgetExceeded(detector.name, elapsedMs, this.budgetMs, input);
      }
      signals.push(signal);
      if (signal.flagged || signal.blocked) flagged = true;
      if (signal.blocked) blockedBy.push(detector.name);
    }
    return { signals, flagged, blockedBy };
  }
}

/** A detector's answer has at least a boolean `flagged` and a numeric `score`. */
export function isSignal(value: unknown): value is Signal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Signal).flagged === 'boolean' &&
    typeof (value as Signal).score === 'number'
  );
}

export function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? 'an object without "flagged" and "score"' : typeof value;
}
