/**
 * `safety-breaker/ai-sdk`: the Vercel AI SDK language-model middleware (LanguageModelV3, `ai@6`).
 * Generated and streamed answers go through one guard (one breaker per middleware); the fallback
 * is another language model. See docs/streaming.md.
 *
 * ```ts
 * import { streamText, wrapLanguageModel } from 'ai';
 * import { safetyBreakerMiddleware } from 'safety-breaker/ai-sdk';
 * const model = wrapLanguageModel({
 *   model: openai('gpt-4o-mini'),
 *   middleware: safetyBreakerMiddleware({ name: 'chat', fallback: anthropic('claude-haiku-4-5') }),
 * });
 * const result = streamText({ model, prompt });
 * ```
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3Middleware,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { isOutputBlockedError } from '../errors.js';
import { guard, type Guarded } from '../guard.js';
import type { GuardOptions } from '../options.js';
import { DEFAULT_STREAM_MESSAGE, type StreamOptions } from '../stream/options.js';
import { parseOptions } from '../validation.js';
import { onlyKeys } from './option-keys.js';

/** One model call as the guard sees it: generate or stream, with the middleware's own callbacks. */
export interface ModelCall {
  readonly type: 'generate' | 'stream';
  readonly params: LanguageModelV3CallOptions;
  readonly doGenerate: () => PromiseLike<LanguageModelV3GenerateResult>;
  readonly doStream: () => PromiseLike<LanguageModelV3StreamResult>;
  /** The request and response information of the route that started the stream. */
  meta?: Omit<LanguageModelV3StreamResult, 'stream'>;
}

type ModelOutput = LanguageModelV3GenerateResult | ReadableStream<LanguageModelV3StreamPart>;
type CallModel = (call: ModelCall) => Promise<ModelOutput>;

export interface SafetyBreakerMiddlewareOptions extends Omit<
  GuardOptions<CallModel>,
  'fallbacks' | 'text' | 'safeReply' | 'stream' | 'probes'
> {
  /** The language model that serves when the breaker is open, an answer is blocked, or a stream is cut (it continues it). */
  fallback?: LanguageModelV3;
  /** Hold-back and what a cut does (`holdBack`, `onCut`, `message`, `continueChars`: as guard()'s `stream` option). */
  stream?: Pick<
    StreamOptions<[ModelCall], LanguageModelV3StreamPart>,
    'holdBack' | 'onCut' | 'message' | 'continueChars'
  >;
}

/** The middleware, and the guard behind it (its breaker: `stats()`, `forceOpen()`, events, …). */
export type SafetyBreakerMiddleware = LanguageModelV3Middleware & { readonly breaker: Guarded<CallModel> };

/** guard() options the middleware sets itself: given, they would be overwritten or break the answer's shape. */
const SET_BY_MIDDLEWARE = {
  fallbacks: 'pass "fallback", one language model',
  text: 'the middleware reads text, reasoning and tool-call inputs itself',
  safeReply: 'a blocked answer with no fallback is a content-filter answer carrying "stream.message"',
  probes: 'a probe is a model call, which only the AI SDK makes',
} as const;

/** Marks where a cut stream ends; replaced by well-formed closing parts (see `closeCut`). */
const CUT = 'safety-breaker-cut';
const FINISH_REASON = { unified: 'content-filter', raw: 'safety-breaker' } as const;
const NO_USAGE: LanguageModelV3Usage = {
  inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
};

/** What detectors read from a generated answer: its text, reasoning and tool-call inputs. */
function generatedText(result: LanguageModelV3GenerateResult): string {
  const texts: string[] = [];
  for (const part of result.content)
    if (part.type === 'text' || part.type === 'reasoning') texts.push(part.text);
    else if (part.type === 'tool-call') texts.push(part.input);
  return texts.join('\n');
}

/** What detectors read from a stream part: text, reasoning and tool-input deltas. */
function partText(part: LanguageModelV3StreamPart): string {
  switch (part.type) {
    case 'text-delta':
    case 'reasoning-delta':
    case 'tool-input-delta':
      return part.delta;
    default:
      return '';
  }
}

/** The call with the text already shown as the last assistant message (the fallback continues it). */
function continued(call: ModelCall, sent: string): ModelCall {
  if (sent === '') return call;
  const prompt = [
    ...call.params.prompt,
    { role: 'assistant' as const, content: [{ type: 'text' as const, text: sent }] },
  ];
  return { ...call, params: { ...call.params, prompt } };
}

const streamOf = (call: ModelCall, result: LanguageModelV3StreamResult): ReadableStream<LanguageModelV3StreamPart> => {
  const { stream, ...meta } = result;
  call.meta ??= meta;
  return stream;
};

/**
 * A language-model middleware that guards `generateText` and `streamText` (and everything built
 * on them): every answer is judged by the detectors, a blocked one is replaced by the fallback
 * model's (or, with none, a `content-filter` answer carrying `stream.message`), a stream is cut
 * before a blocked span is shown and continued by the fallback, and trips open the breaker.
 */
export function safetyBreakerMiddleware(options: SafetyBreakerMiddlewareOptions): SafetyBreakerMiddleware {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('safetyBreakerMiddleware(options): options must be an object');
  for (const [key, instead] of Object.entries(SET_BY_MIDDLEWARE))
    if (Object.hasOwn(options, key))
      throw new TypeError(`safetyBreakerMiddleware(): option "${key}": not taken by the middleware (${instead})`);
  const { fallback, stream = {}, ...guardOptions } = options;
  // The stream's text, chunk and continueWith are the middleware's own, as above.
  parseOptions(
    onlyKeys(['stream', onlyKeys('holdBack', 'onCut', 'message', 'continueChars')]),
    { stream },
    'safetyBreakerMiddleware()',
  );
  if (fallback !== undefined && (typeof fallback !== 'object' || typeof fallback?.doStream !== 'function'))
    throw new TypeError('safetyBreakerMiddleware(): option "fallback" must be a language model (LanguageModelV3)');
  const message = stream.message ?? DEFAULT_STREAM_MESSAGE;
  const breaker = guard<CallModel>(
    async (call) => (call.type === 'generate' ? call.doGenerate() : streamOf(call, await call.doStream())),
    {
      ...guardOptions,
      fallbacks: fallback
        ? [
            {
              name: 'fallback',
              run: async (call: ModelCall) =>
                call.type === 'generate'
                  ? fallback.doGenerate(call.params)
                  : streamOf(call, await fallback.doStream(call.params)),
            },
          ]
        : [],
      text: (output) => (output instanceof ReadableStream ? '' : generatedText(output)),
      // Blocked, and no fallback answered: a content-filter answer, as a provider's own filter gives
      // (counted as a safe reply, not as exhausted). Only a generated answer is judged whole, so
      // only it can be blocked here; an open breaker or a failed model reaches the caller as an error.
      safeReply: ({ error }) => {
        if (!isOutputBlockedError(error)) throw error;
        return {
          content: message ? [{ type: 'text', text: message }] : [],
          finishReason: FINISH_REASON,
          usage: NO_USAGE,
          warnings: [],
        };
      },
      stream: {
        ...stream,
        text: partText,
        chunk: (m) => ({ type: 'raw', rawValue: { [CUT]: m } }),
        continueWith: ([call], sent) => [continued(call, sent)],
      },
    },
  );

  return {
    specificationVersion: 'v3',
    breaker,
    async wrapGenerate({ doGenerate, doStream, params }) {
      return (await breaker({ type: 'generate', params, doGenerate, doStream })) as LanguageModelV3GenerateResult;
    },
    async wrapStream({ doGenerate, doStream, params }) {
      const call: ModelCall = { type: 'stream', params, doGenerate, doStream };
      const guarded = (await breaker(call)) as ReadableStream<LanguageModelV3StreamPart>;
      // The caller's abortSignal cancels the guarded stream: the model is released and the answer counted.
      const signal = params.abortSignal;
      return { ...call.meta, stream: guarded.pipeThrough(closeCut(), signal ? { signal } : {}) };
    },
  };
}

/**
 * Keeps the parts well formed across a cut: when a fallback takes over, the parts left open are
 * closed and its `stream-start` dropped; a cut with no fallback ends with the safe message and a
 * `finish` with the `content-filter` reason. A tool input left open is closed with no tool call:
 * the call is incomplete and never runs.
 */
function closeCut(): TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart> {
  const texts = new Map<string, 'text' | 'reasoning'>();
  const tools = new Set<string>();
  let started = false;
  const closeOpen = (c: TransformStreamDefaultController<LanguageModelV3StreamPart>): void => {
    for (const [id, kind] of texts) c.enqueue({ type: kind === 'text' ? 'text-end' : 'reasoning-end', id });
    for (const id of tools) c.enqueue({ type: 'tool-input-end', id });
    texts.clear();
    tools.clear();
  };
  return new TransformStream({
    transform(part, c) {
      switch (part.type) {
        case 'stream-start':
          if (started) return closeOpen(c); // a fallback continues the answer
          started = true;
          break;
        case 'text-start':
        case 'reasoning-start':
          texts.set(part.id, part.type === 'text-start' ? 'text' : 'reasoning');
          break;
        case 'text-end':
        case 'reasoning-end':
          texts.delete(part.id);
          break;
        case 'tool-input-start':
          tools.add(part.id);
          break;
        case 'tool-input-end':
          tools.delete(part.id);
          break;
        case 'raw': {
          const value = part.rawValue as Record<string, unknown> | null;
          if (typeof value !== 'object' || value === null || !(CUT in value)) break;
          closeOpen(c);
          const text = String(value[CUT]);
          if (text) {
            c.enqueue({ type: 'text-start', id: CUT });
            c.enqueue({ type: 'text-delta', id: CUT, delta: text });
            c.enqueue({ type: 'text-end', id: CUT });
          }
          c.enqueue({ type: 'finish', finishReason: FINISH_REASON, usage: NO_USAGE });
          return;
        }
      }
      c.enqueue(part);
    },
  });
}
