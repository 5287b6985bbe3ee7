import type * as OtelApi from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import type { Signal } from '../detectors/types.js';
import { loadOptionalPeer } from './optional-peer.js';
import { redact } from './redact.js';
import { packageVersion } from './version.js';

/**
 * Tracing of guarded calls with `@opentelemetry/api` (an optional peer; a no-op unless the app
 * installs an OpenTelemetry SDK). Each route call is a CLIENT span named and attributed as the
 * OpenTelemetry GenAI semantic conventions say; detector signals are `gen_ai.guardrail.result`
 * events; trips are `safety_breaker.trip` events. Prompts and outputs are never recorded unless
 * `recordContent` is set, and then redacted.
 */
export interface TracingOptions<Args extends unknown[] = unknown[]> {
  /** Default: `trace.getTracer('safety-breaker', version)` from the global API. */
  tracer?: Tracer;
  /** `gen_ai.provider.name` (e.g. `openai`, `anthropic`, `aws.bedrock`), or one per route. Default `openai`. */
  provider?: string | ((route: string) => string);
  /** `gen_ai.operation.name`. Default `chat`. */
  operation?: string;
  /** `gen_ai.request.model` from the call's arguments. Default: the `model` property of the first argument, if it is a string. */
  model?: (args: Args, route: string) => string | undefined;
  /**
   * Records `gen_ai.input.messages` and `gen_ai.output.messages` (opt-in, off by default). Text
   * goes through `redact` first: the PII redactor by default; pass your own function to change it.
   * Error messages (span status) and trip reasons go through the same function, recorded or not.
   */
  recordContent?: boolean | { redact?: (text: string) => string };
}

/** One route call's span; created only when tracing is on. */
export interface RouteSpan {
  /** Runs the model call with this span as the active parent (so HTTP client spans nest under it). */
  run<T>(fn: () => T): T;
  /** The output arrived and the hot-path detectors judged it. */
  scanned(output: unknown, text: string, signals: readonly Signal[], blockedBy: readonly string[]): void;
  /** The route call failed. */
  failed(error: unknown, outcome: string): void;
  /** The output's text is recorded (`recordContent`): a streamed answer then keeps its text for it. */
  readonly content: boolean;
  /** Ends the span; `stream`: how this route's streamed answer ended (after `scanned` or `failed`). */
  end(stream?: StreamSpanEnd): void;
}

/** How a streamed answer ended, for its route's span. */
export interface StreamSpanEnd {
  /** The model finished; the guard cut it; the client stopped reading; the model's stream failed. */
  readonly end: 'finished' | 'cut' | 'client_stopped' | 'error';
  /** From this route's request to its first chunk; undefined when none came. */
  readonly firstChunkMs: number | undefined;
  /** Characters of this route's text (and tool-call arguments) the client was given. */
  readonly shownChars: number;
  /** A cut: what the guard does next, continue on a fallback or end with the safe message. */
  readonly then?: 'fallback' | 'end';
}

/** Per-guard tracing: starts route spans and records trips. */
export interface GuardTracing {
  start(route: string, args: readonly unknown[], probe: boolean): RouteSpan;
  /** The breaker opened: an event on the span of the call that tripped it, or a span of its own. */
  trip(trip: {
    from: string;
    policy: string;
    reason: string;
    openForMs: number;
    details: Readonly<Record<string, number>>;
  }): void;
}

type Api = typeof OtelApi;

/** Creates the tracing of one guard, or `undefined` when tracing is off (the hot path then pays nothing). */
export function createTracing(option: boolean | TracingOptions | undefined, breaker: string): GuardTracing | undefined {
  if (!option) return undefined;
  const o: TracingOptions = option === true ? {} : option;
  const api = loadOptionalPeer<Api>('@opentelemetry/api', 'tracing');
  const tracer = o.tracer ?? api.trace.getTracer('safety-breaker', packageVersion());
  const operation = o.operation ?? 'chat';
  const providerOf =
    typeof o.provider === 'function' ? o.provider : () => (o.provider as string | undefined) ?? 'openai';
  const modelOf = o.model ?? defaultModel;
  const redactText = (typeof o.recordContent === 'object' && o.recordContent.redact) || ((t: string) => redact(t));
  const content = o.recordContent ? redactText : undefined;
  // Error messages and trip reasons may carry a provider's echo of the prompt: always redacted.
  const redactMessage = (t: string): string => safe(() => redactText(t)) ?? '[REDACTED]';
  // The span whose call is being recorded right now: set synchronously between scanned()/failed() and end().
  let recording: Span | undefined;

  return {
    start(route, args, probe) {
      const model = safe(() => modelOf(args as unknown[], route));
      const attributes: OtelApi.Attributes = {
        'gen_ai.operation.name': operation,
        'gen_ai.provider.name': safe(() => providerOf(route)) ?? 'openai',
        'safety_breaker.breaker': breaker,
        'safety_breaker.route': route,
        'safety_breaker.probe': probe,
      };
      if (model) attributes['gen_ai.request.model'] = model;
      if (content) {
        const input = inputMessages(args, content);
        if (input) attributes['gen_ai.input.messages'] = input;
      }
      const span = tracer.startSpan(model ? `${operation} ${model}` : operation, {
        kind: api.SpanKind.CLIENT,
        attributes,
      });
      return {
        run: (fn) => api.context.with(api.trace.setSpan(api.context.active(), span), fn),
        scanned(output, text, signals, blockedBy) {
          recording = span;
          setResponse(span, output);
          for (const s of signals) {
            const attrs: OtelApi.Attributes = {
              'safety_breaker.detector': s.detector,
              'safety_breaker.score': s.score,
              'safety_breaker.flagged': s.flagged,
              'safety_breaker.blocked': s.blocked === true,
            };
            if (s.reason !== undefined) attrs['safety_breaker.reason'] = s.reason;
            span.addEvent('gen_ai.guardrail.result', attrs);
          }
          span.setAttribute('safety_breaker.outcome', blockedBy.length > 0 ? 'blocked' : 'success');
          if (blockedBy.length > 0) span.setAttribute('safety_breaker.blocked_by', [...blockedBy]);
          if (content)
            span.setAttribute(
              'gen_ai.output.messages',
              JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: content(text) }] }]),
            );
        },
        failed(error, outcome) {
          recording = span;
          span.setAttribute('safety_breaker.outcome', outcome);
          span.setAttribute('error.type', errorType(error));
          span.setStatus({
            code: api.SpanStatusCode.ERROR,
            message: redactMessage(error instanceof Error ? error.message : String(error)),
          });
        },
        content: content !== undefined,
        end(stream) {
          if (stream) {
            const { end, firstChunkMs, shownChars, then } = stream;
            span.setAttribute('gen_ai.request.stream', true);
            if (firstChunkMs !== undefined)
              span.setAttribute('gen_ai.response.time_to_first_chunk', firstChunkMs / 1000);
            span.setAttribute('safety_breaker.stream.end', end);
            span.setAttribute('safety_breaker.stream.shown_chars', shownChars);
            if (then) span.addEvent('safety_breaker.stream.cut', { 'safety_breaker.stream.then': then });
          }
          if (recording === span) recording = undefined;
          span.end();
        },
      };
    },
    trip(t) {
      const attrs: OtelApi.Attributes = {
        'safety_breaker.breaker': breaker,
        'safety_breaker.from': t.from,
        'safety_breaker.policy': t.policy,
        'safety_breaker.reason': redactMessage(t.reason),
        'safety_breaker.open_for_ms': t.openForMs,
      };
      for (const [k, v] of Object.entries(t.details)) attrs[`safety_breaker.details.${k}`] = v;
      if (recording) {
        recording.addEvent('safety_breaker.trip', attrs);
        return;
      }
      // Tripped off any call's span (an async detector's late verdict): a short span of its own.
      const span = tracer.startSpan(`safety_breaker.trip ${breaker}`, {
        kind: api.SpanKind.INTERNAL,
        attributes: { 'safety_breaker.breaker': breaker },
      });
      span.addEvent('safety_breaker.trip', attrs);
      span.end();
    },
  };
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function defaultModel(args: readonly unknown[]): string | undefined {
  const first = args[0];
  if (typeof first === 'object' && first !== null) {
    const model = (first as { model?: unknown }).model;
    if (typeof model === 'string' && model !== '') return model;
  }
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Response attributes from OpenAI chat/responses, Anthropic messages and Vercel AI SDK results, when present. */
function setResponse(span: Span, output: unknown): void {
  if (!isObject(output)) return;
  if (typeof output.id === 'string') span.setAttribute('gen_ai.response.id', output.id);
  if (typeof output.model === 'string') span.setAttribute('gen_ai.response.model', output.model);
  const reasons: string[] = [];
  if (Array.isArray(output.choices))
    for (const c of output.choices)
      if (isObject(c) && typeof c.finish_reason === 'string') reasons.push(c.finish_reason);
  if (typeof output.stop_reason === 'string') reasons.push(output.stop_reason);
  if (typeof output.finishReason === 'string') reasons.push(output.finishReason);
  if (reasons.length > 0) span.setAttribute('gen_ai.response.finish_reasons', reasons);
  const usage = output.usage;
  if (!isObject(usage)) return;
  const input =
    num(usage.prompt_tokens) ?? num(usage.input_tokens) ?? num(usage.inputTokens) ?? num(usage.promptTokens);
  const out =
    num(usage.completion_tokens) ?? num(usage.output_tokens) ?? num(usage.outputTokens) ?? num(usage.completionTokens);
  if (input !== undefined) span.setAttribute('gen_ai.usage.input_tokens', input);
  if (out !== undefined) span.setAttribute('gen_ai.usage.output_tokens', out);
}

/** `gen_ai.input.messages` from an OpenAI-style `{ messages }` or a Responses-style `{ input }` argument, redacted. */
function inputMessages(args: readonly unknown[], redactText: (t: string) => string): string | undefined {
  const first = args[0];
  if (typeof first === 'string')
    return JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: redactText(first) }] }]);
  if (!isObject(first)) return undefined;
  const source = Array.isArray(first.messages)
    ? first.messages
    : typeof first.input === 'string'
      ? [{ role: 'user', content: first.input }]
      : undefined;
  if (!source) return undefined;
  const messages = source.filter(isObject).map((m) => ({
    role: typeof m.role === 'string' ? m.role : 'user',
    parts: [
      {
        type: 'text',
        content: redactText(typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')),
      },
    ],
  }));
  return JSON.stringify(messages);
}

/** A low-cardinality error class: the error's code (SAFETY_BREAKER_TIMEOUT, an HTTP status) or its name. */
function errorType(error: unknown): string {
  if (isObject(error)) {
    if (typeof error.code === 'string' && error.code !== '') return error.code;
    if (typeof error.status === 'number') return String(error.status);
  }
  return error instanceof Error ? error.name : '_OTHER';
}
