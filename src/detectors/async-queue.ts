import { describe, isSignal } from './hot-path.js';
import type { AsyncDetector, DetectorInput, Signal } from './types.js';

export interface AsyncQueueOptions {
  /** Calls waiting or running at most; past that, new calls are dropped (and counted). */
  readonly size: number;
  /** Calls evaluated at once. */
  readonly concurrency: number;
  /** A call's async detectors are abandoned after this long. */
  readonly timeoutMs: number;
}

export interface AsyncQueueHooks {
  /** `detectors[i]`: the configured name of the detector that returned `signals[i]` (a signal's own `detector` field is not trusted as a label). */
  onSignals(signals: Signal[], job: AsyncJob, detectors: readonly string[]): void;
  onDetectorError(detector: string, error: unknown): void;
  onDepth(depth: number): void;
}

export interface AsyncJob {
  readonly input: DetectorInput;
  /** Called once every async detector of this call has answered, failed or timed out. */
  readonly done: (signals: Signal[]) => void;
}

/**
 * Runs async detectors off the response path. Bounded: `enqueue` never waits, it returns false
 * when the queue is full so the caller can count the drop.
 */
export class AsyncDetectorQueue {
  private readonly waiting: AsyncJob[] = [];
  private running = 0;
  private readonly controller = new AbortController();

  constructor(
    private readonly detectors: readonly AsyncDetector[],
    private readonly options: AsyncQueueOptions,
    private readonly hooks: AsyncQueueHooks,
  ) {}

  get depth(): number {
    return this.waiting.length + this.running;
  }

  enqueue(job: AsyncJob): boolean {
    if (this.controller.signal.aborted || this.depth >= this.options.size) return false;
    this.waiting.push(job);
    this.hooks.onDepth(this.depth);
    this.pump();
    return true;
  }

  /** Abandons every queued and running evaluation; their calls are recorded with hot-path signals only. */
  dispose(): void {
    this.controller.abort(new Error('async detector queue disposed'));
    for (const job of this.waiting.splice(0)) job.done([]);
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      // Nothing a detector, a hook or `done` throws may stall the queue or escape as an unhandled rejection.
      void this.evaluate(job)
        .catch((): Signal[] => [])
        .then((signals) => {
          this.running--;
          try {
            this.hooks.onDepth(this.depth);
            job.done(signals);
          } catch {
            // The guard reports its own failures; the queue only has to keep going.
          }
          this.pump();
        });
    }
  }

  private async evaluate(job: AsyncJob): Promise<Signal[]> {
    const controller = new AbortController();
    const onQueueAbort = (): void => controller.abort(this.controller.signal.reason);
    this.controller.signal.addEventListener('abort', onQueueAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new Error(`async detectors timed out after ${this.options.timeoutMs} ms`)),
      this.options.timeoutMs,
    );
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
    );
    aborted.catch(() => {});
    try {
      const settled = await Promise.allSettled(
        this.detectors.map((d) => Promise.race([(async () => d.detect(job.input, controller.signal))(), aborted])),
      );
      const signals: Signal[] = [];
      const names: string[] = [];
      settled.forEach((result, i) => {
        const name = this.detectors[i]!.name;
        if (result.status === 'rejected') this.hooks.onDetectorError(name, result.reason);
        else if (isSignal(result.value)) {
          signals.push(result.value);
          names.push(name);
        } else
          this.hooks.onDetectorError(
            name,
            new TypeError(`detector "${name}" returned ${describe(result.value)}, not a signal`),
          );
      });
      this.hooks.onSignals(signals, job, names);
      return signals;
    } finally {
      clearTimeout(timer);
      this.controller.signal.removeEventListener('abort', onQueueAbort);
      controller.abort();
    }
  }
}
