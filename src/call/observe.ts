/**
 * Observing: the call path reports what happened once, to `Observe`; metrics, logs, events,
 * traces, stats counters and the store subscribe. Adding a sink never touches the call path.
 */
import type { TripDecision } from '../breaker/policies/types.js';
import type { BreakerState, Transition } from '../breaker/state-machine.js';
import type { Mode } from '../options.js';
import type { CallContext, Signal } from '../detectors/types.js';
import type { CallOutcome } from '../telemetry/metrics.js';
import type { Judgement } from './judge.js';

/** From the estimated onset of a change to the trip. */
export interface DetectionDelay {
  readonly policy: string;
  readonly calls: number;
  /** Undefined when the policy gave no onset time. */
  readonly seconds: number | undefined;
}

/** Events a guarded function emits. Payloads never carry prompts or outputs, only the call's context. */
export interface GuardEvents {
  /** Every route call: its outcome, latency and the detectors' signals. */
  outcome: {
    breaker: string;
    route: string;
    outcome: CallOutcome;
    latencyMs: number;
    signals: readonly Signal[];
    probe: boolean;
    context: CallContext;
  };
  /** An output was blocked: it did not reach the caller (unless in shadow mode). */
  block: {
    breaker: string;
    route: string;
    detectors: readonly string[];
    signals: readonly Signal[];
    shadow: boolean;
    context: CallContext;
  };
  /** Any state change. */
  transition: Transition & { breaker: string };
  /** A trip policy (or a failed probe) opened the breaker. */
  trip: {
    breaker: string;
    from: BreakerState;
    decision: TripDecision;
    openForMs: number;
    at: number;
    detectionDelay?: DetectionDelay;
    /** Shadow mode: the breaker would have opened; the primary keeps serving (nothing is contained). */
    shadow: boolean;
  };
  /** The half-open probe suite finished: passed (real probes may now reach the primary) or failed (the breaker reopened). */
  'probe-suite': {
    breaker: string;
    at: number;
    passed: boolean;
    probes: number;
    failedProbe?: number;
    reason?: string;
  };
  'half-open': { breaker: string; at: number; reason: string };
  close: { breaker: string; at: number; reason: string; from: BreakerState };
  'forced-open': { breaker: string; at: number; reason: string };
  'detector-error': { breaker: string; detector: string; route: string; error: unknown };
  'budget-exceeded': { breaker: string; detector: string; route: string; elapsedMs: number; budgetMs: number };
  /** An async detector evaluation was dropped because the queue was full. */
  'async-dropped': { breaker: string; depth: number };
}

/** Where a throwing detector ran. `text` is the reading of the output itself (`text(output)`). */
export type DetectorStage = 'hot-path' | 'async' | 'window' | 'text';

/** Who served a call the guard finished: the primary, a fallback, the safe reply, or nobody (`exhausted`). */
export type ServedBy = 'primary' | 'fallback' | 'safe-reply' | 'exhausted';

/** Everything the call path reports. One key per kind of happening. */
export interface Happenings {
  /** A route answered and its output was judged. */
  answered: Judgement;
  /** A route call failed with an error the model is accountable for. */
  failed: {
    readonly route: string;
    readonly outcome: CallOutcome;
    readonly latencyMs: number;
    readonly error: unknown;
    readonly probe: boolean;
    readonly context: CallContext;
  };
  /** A call the primary did not serve ended: who served it, or nobody. */
  served: Exclude<ServedBy, 'primary'>;
  /** The breaker refused the primary for a call. */
  rejected: undefined;
  'detector-error': {
    readonly detector: string;
    readonly route: string;
    readonly error: unknown;
    readonly stage: DetectorStage;
  };
  'budget-exceeded': {
    readonly detector: string;
    readonly route: string;
    readonly elapsedMs: number;
    readonly budgetMs: number;
  };
  /** The default text extractor stopped at its limit: `unread` strings, objects and arrays of the output went unread. */
  'text-unread': { readonly route: string; readonly unread: number; readonly limit: number };
  /** An async evaluation's signals; `detectors[i]` is the configured name of the detector that returned `signals[i]`. */
  'async-signals': { readonly signals: readonly Signal[]; readonly detectors: readonly string[] };
  'async-dropped': number;
  'async-depth': number;
  transition: {
    readonly transition: Transition;
    readonly detectionDelay: DetectionDelay | undefined;
    /** Shadow mode: the state moved, traffic did not. */
    readonly shadow: boolean;
  };
  'probe-suite': GuardEvents['probe-suite'];
  /** An operator's action on the handle (force-open, reset, set-mode, reconfigure, restore). */
  action: {
    readonly action: string;
    readonly level: 'info' | 'warn';
    readonly message: string;
    readonly fields: Readonly<Record<string, unknown>>;
  };
  /** State was put back from a snapshot (no transition happened: the breaker moved there). */
  restored: BreakerState;
  /** The mode now (at start-up, and on every change). */
  mode: Mode;
}

/** A sink: handles the happenings it cares about. */
export type Subscriber = { readonly [K in keyof Happenings]?: (happening: Happenings[K]) => void };

type Handlers = { [K in keyof Happenings]: ((happening: Happenings[K]) => void)[] };

/** Fans each happening out to the subscribers that handle it (handlers grouped per kind up front). */
export class Observe {
  private readonly handlers: Handlers;

  /** `onSinkError`: a sink that throws is reported there and never breaks the call that reported. */
  constructor(
    subscribers: readonly Subscriber[],
    private readonly onSinkError: (error: unknown, kind: keyof Happenings) => void,
  ) {
    // A literal of every kind: one fixed shape, so `emit` reads its handlers with a fast property load.
    this.handlers = {
      answered: [],
      failed: [],
      served: [],
      rejected: [],
      'detector-error': [],
      'budget-exceeded': [],
      'text-unread': [],
      'async-signals': [],
      'async-dropped': [],
      'async-depth': [],
      transition: [],
      'probe-suite': [],
      action: [],
      restored: [],
      mode: [],
    };
    for (const s of subscribers) this.subscribe(s);
  }

  /** Adds a sink; returns the function that removes it. */
  subscribe(subscriber: Subscriber): () => void {
    // Sinks are objects of arrow functions: no `this` to bind.
    const kinds = Object.keys(this.handlers) as (keyof Happenings)[];
    for (const kind of kinds) {
      const handler = subscriber[kind];
      if (handler) (this.handlers[kind] as unknown[]).push(handler);
    }
    return () => {
      for (const kind of kinds) {
        const list = this.handlers[kind] as unknown[];
        const i = list.indexOf(subscriber[kind]);
        if (i >= 0) list.splice(i, 1);
      }
    };
  }

  emit<K extends keyof Happenings>(kind: K, happening: Happenings[K]): void {
    const handlers = this.handlers[kind];
    // One try around the loop (cheaper per call than one per handler); a throw resumes at the next handler.
    for (let i = 0; i < handlers.length;) {
      try {
        while (i < handlers.length) handlers[i++]!(happening);
      } catch (error) {
        this.onSinkError(error, kind);
      }
    }
  }
}
