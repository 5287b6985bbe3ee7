/**
 * Records a running app's traffic as a traffic log (docs/cli.md), with sampling and redaction,
 * for `safety-breaker replay`.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { callContext, currentContext } from '../context.js';
import type { CallContext } from '../detectors/types.js';
import type { ModelFunction } from '../options.js';
import { redact as redactPii } from '../telemetry/redact.js';
import { defaultText } from '../text/extract.js';
import { formatTrafficLine, type TrafficError, type TrafficLine } from './format.js';

export interface RecorderOptions {
  /** Where lines go: a file path (appended), a writable stream, or a function given each line (with its newline). */
  readonly to: string | Writable | ((line: string) => void);
  /** Share of calls recorded, in [0, 1]. Default 1. A sampled log replays a thinner population; trip points move. */
  readonly sampleRate?: number;
  /** Random source for sampling (tests). Default `Math.random`. */
  readonly random?: () => number;
  /** Redacts personal data (emails, phone numbers, card numbers, IPs) in text and context strings. `true` (default), `false`, or your own function. */
  readonly redact?: boolean | ((text: string) => string);
  /**
   * Call context keys written to the log (fairness groups, tenant), e.g. `['group']`. Default: none —
   * context can be personal data. Only plain values are written (strings, redacted like texts;
   * numbers, booleans, null); other values are left out. `requestText` (the request's text, which
   * fairness reads for identity terms) is a raw prompt: it is written only when you list it here.
   */
  readonly contextKeys?: readonly string[];
  /** Clock for the `t` of each line. Default `Date.now`. */
  readonly clock?: () => number;
  /** About how many lines a stream may buffer (at 512 bytes each) before new ones are dropped and counted. Default 10 000. */
  readonly maxPending?: number;
}

/** What `record()` takes: a finished call. */
export interface RecordedCall {
  readonly breaker: string;
  /** Start time, ms; default: now minus `latencyMs`. */
  readonly t?: number;
  readonly text?: string;
  readonly latencyMs: number;
  readonly error?: unknown;
  readonly context?: CallContext;
  readonly label?: 'unsafe' | 'safe';
}

export interface TrafficRecorder {
  /** Writes one call (if sampled). Never throws on the app's path. */
  record(call: RecordedCall): void;
  /**
   * Wraps a model function so each call is recorded: pass the result as the guard's primary, and
   * the log holds exactly the calls the breaker judged. The recorded context is the request
   * context (the HTTP integrations' `context(req)`, or `runWithContext()`) merged with
   * `options.context(...args)`, filtered by `contextKeys`.
   */
  wrap<F extends ModelFunction>(
    breaker: string,
    fn: F,
    options?: { text?: (output: Awaited<ReturnType<F>>) => string; context?: (...args: Parameters<F>) => CallContext },
  ): F;
  /** Lines written, sampled out, and dropped (stream full). */
  readonly stats: { written: number; sampledOut: number; dropped: number };
  /** Flushes and closes a file it opened. */
  close(): Promise<void>;
}

/**
 * Creates a traffic recorder.
 *
 * ```ts
 * const recorder = createRecorder({ to: '/var/log/app/traffic.jsonl', sampleRate: 0.1, contextKeys: ['group'] });
 * const chat = guard(recorder.wrap('chat', callModel), { name: 'chat' });
 * ```
 */
export function createRecorder(options: RecorderOptions): TrafficRecorder {
  const sampleRate = options.sampleRate ?? 1;
  if (!(sampleRate >= 0 && sampleRate <= 1))
    throw new TypeError(`createRecorder(): option "sampleRate" must be in [0, 1] (got ${String(options.sampleRate)})`);
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;
  const scrub =
    options.redact === false
      ? (s: string) => s
      : typeof options.redact === 'function'
        ? options.redact
        : (s: string) => redactPii(s);
  const keys = options.contextKeys ?? [];
  const maxPending = options.maxPending ?? 10_000;
  const stats = { written: 0, sampledOut: 0, dropped: 0 };

  let write: (line: string) => void;
  let stream: Writable | undefined;
  let owned = false;
  if (typeof options.to === 'function') write = options.to;
  else {
    stream = typeof options.to === 'string' ? createWriteStream(options.to, { flags: 'a' }) : options.to;
    owned = typeof options.to === 'string';
    const s = stream;
    s.on('error', () => undefined); // a full disk must not crash the app; lines are counted as dropped
    write = (line) => {
      if (s.destroyed || s.writableLength > maxPending * 512) throw new Error('stream full');
      s.write(line);
    };
  }

  function record(call: RecordedCall): void {
    try {
      if (sampleRate < 1 && random() >= sampleRate) {
        stats.sampledOut++;
        return;
      }
      const context: Record<string, string | number | boolean | null> = {};
      let any = false;
      for (const k of keys) {
        const v = call.context?.[k];
        // Plain values only: an object could carry anything, and replay reads plain values.
        if (typeof v === 'string') context[k] = scrub(v);
        else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || v === null) context[k] = v;
        else continue;
        any = true;
      }
      const line: TrafficLine = {
        t: call.t ?? clock() - call.latencyMs,
        breaker: call.breaker,
        ...(call.error === undefined ? { text: scrub(call.text ?? '') } : { error: toTrafficError(call.error, scrub) }),
        latencyMs: call.latencyMs,
        ...(any && { context }),
        ...(call.label && { label: call.label }),
      };
      write(`${formatTrafficLine(line)}\n`);
      stats.written++;
    } catch {
      stats.dropped++;
    }
  }

  return {
    record,
    wrap(breaker, fn, wrapOptions) {
      const textOf = (wrapOptions?.text as ((o: unknown) => string) | undefined) ?? defaultText;
      const contextOf = wrapOptions?.context as ((...a: unknown[]) => CallContext) | undefined;
      const wrapped = async (...args: unknown[]) => {
        const t = clock();
        // The call's context is read here, synchronously, where the guard called the primary: the
        // guard's merged context (request, context(args), with({ context })), else the request context.
        const outer = callContext() ?? currentContext();
        let own: CallContext | undefined;
        try {
          own = contextOf?.(...args);
        } catch {
          own = undefined; // the recorder never throws on the app's path
        }
        const context = outer && own ? { ...outer, ...own } : (own ?? outer);
        try {
          const output = await (fn as unknown as (...a: unknown[]) => Promise<unknown>)(...args);
          let text: string;
          try {
            text = textOf(output);
          } catch {
            text = defaultText(output);
          }
          record({ breaker, t, text, latencyMs: clock() - t, ...(context && { context }) });
          return output;
        } catch (error) {
          record({ breaker, t, latencyMs: clock() - t, error, ...(context && { context }) });
          throw error;
        }
      };
      return wrapped as unknown as typeof fn;
    },
    stats,
    close() {
      if (!stream || !owned) return Promise.resolve();
      const s = stream;
      return new Promise<void>((resolve) => s.end(resolve));
    },
  };
}

/** Errors as the log keeps them: timeout, or status/code/message (message redacted). */
export function toTrafficError(error: unknown, scrub: (s: string) => string = (s) => s): TrafficError {
  if (typeof error !== 'object' || error === null) return { message: scrub(String(error)) };
  const e = error as { name?: unknown; code?: unknown; status?: unknown; message?: unknown };
  if (e.name === 'TimeoutError' || e.code === 'SAFETY_BREAKER_TIMEOUT') return 'timeout';
  return {
    ...(typeof e.message === 'string' && { message: scrub(e.message.slice(0, 200)) }),
    ...(typeof e.status === 'number' && { status: e.status }),
    ...(typeof e.code === 'string' && { code: e.code }),
  };
}
