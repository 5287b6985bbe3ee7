/**
 * safety-breaker/ai-sdk with the real `ai@6` (generateText, streamText, wrapLanguageModel) and its
 * MockLanguageModelV3: the same guarantees as guard()'s streams, through the AI SDK.
 */
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { toxicity } from '../../src/detectors/toxicity/index.js';
import { safetyBreakerMiddleware } from '../../src/integrations/ai-sdk.js';
import { CHALLENGE } from '../toxicity/challenge.js';
import { blockedSpanStart, randomChunks, splitAt } from '../stream/sse.js';

const MESSAGE = ' [withheld]';
const detector = toxicity();
const USAGE = {
  inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 9, text: 9, reasoning: undefined },
};

/** The parts of a streamed text answer; `cancelled` is set when the reader cancels the stream (the model is released). */
function textParts(pieces: readonly string[], seen: { cancelled: boolean } = { cancelled: false }) {
  const parts: LanguageModelV3StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't1' },
    ...pieces.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 't1', delta })),
    { type: 'text-end', id: 't1' },
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE },
  ];
  let i = 0;
  return new ReadableStream<LanguageModelV3StreamPart>({
    pull(c) {
      if (i < parts.length) c.enqueue(parts[i++]!);
      else c.close();
    },
    cancel: () => void (seen.cancelled = true),
  });
}

function model(answer: (params: LanguageModelV3CallOptions) => readonly string[], seen?: { cancelled: boolean }) {
  return new MockLanguageModelV3({
    doStream: async (params) => ({ stream: textParts(answer(params), seen) }),
    doGenerate: async (params) => ({
      content: [{ type: 'text', text: answer(params).join('') }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: USAGE,
      warnings: [],
    }),
  });
}

function wrapped(primary: MockLanguageModelV3, fallback?: MockLanguageModelV3) {
  const middleware = safetyBreakerMiddleware({
    name: 'ai',
    detectors: [detector],
    fallback,
    trip: { policy: 'rate', threshold: 1, minimumCalls: 1_000_000 },
    retry: false,
    stream: { message: MESSAGE, onCut: fallback ? 'fallback' : 'end' },
  });
  return { model: wrapLanguageModel({ model: primary, middleware }), breaker: middleware.breaker };
}

async function streamed(m: ReturnType<typeof wrapped>['model']): Promise<{ text: string; finish: string }> {
  const result = streamText({ model: m, prompt: 'hi' });
  let text = '';
  for await (const t of result.textStream) text += t;
  return { text, finish: await result.finishReason };
}

const TOXIC = [
  'Sure, here is how to reset the router. Honestly, you are a worthless idiot and I hate you. Unplug it first.',
  'The meeting moved to Tuesday. I know where you live, so be careful. See you then.',
];

const LONG_TOXIC =
  'Sure, here is how to reset the router: find the small button on the back, hold it for ten seconds, and wait. ' +
  'Honestly, you are a worthless idiot. Then unplug it.';

describe('streamText through the middleware', () => {
  it('split at every character offset and in random chunkings: nothing of the blocked span is shown; the stream finishes normally', async () => {
    for (const text of TOXIC) {
      const start = blockedSpanStart(text)!;
      let pieces: string[] = [];
      const { model: m } = wrapped(model(() => pieces));
      const chunkings = [
        ...Array.from({ length: text.length - 1 }, (_, k) => splitAt(text, [k + 1])),
        ...Array.from({ length: 30 }, (_, seed) => randomChunks(text, seed + 1, 9)),
      ];
      for (const chunking of chunkings) {
        pieces = chunking;
        const { text: seen, finish } = await streamed(m);
        expect(finish).toBe('content-filter');
        expect(seen.endsWith(MESSAGE)).toBe(true);
        const shown = seen.slice(0, -MESSAGE.length);
        expect(text.startsWith(shown)).toBe(true);
        expect(shown.length, chunking.join('|')).toBeLessThanOrEqual(start);
      }
    }
  });

  it('the same answers streamed and generated give the same verdicts', async () => {
    let text = '';
    let seed = 0;
    const { model: m } = wrapped(model(() => randomChunks(text, ++seed, 7)));
    for (const c of CHALLENGE) {
      text = c.text;
      const whole = detector.detect({ text, output: text, latencyMs: 0, route: 'p', breaker: 'b', context: {} });
      const s = await streamed(m);
      const g = await generateText({ model: m, prompt: 'hi' });
      expect(s.finish === 'content-filter', text).toBe(whole.blocked === true);
      expect(g.finishReason === 'content-filter', text).toBe(whole.blocked === true);
      if (!whole.blocked) expect([s.text, g.text]).toEqual([text, text]);
    }
  });

  it('a cut is continued by the fallback model, given the text shown as an assistant message', async () => {
    const seen = { cancelled: false };
    const backup = model(() => [' Let me put', ' that better: unplug it.']);
    const { model: m, breaker } = wrapped(
      model(() => randomChunks(LONG_TOXIC, 5, 6), seen),
      backup,
    );
    const { text, finish } = await streamed(m);
    expect(finish).toBe('stop');
    expect(text.endsWith(' Let me put that better: unplug it.')).toBe(true);
    const shown = text.slice(0, -' Let me put that better: unplug it.'.length);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThanOrEqual(blockedSpanStart(LONG_TOXIC)!);
    expect(seen.cancelled).toBe(true);
    expect(backup.doStreamCalls[0]!.prompt.at(-1)).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: shown }],
    });
    expect(breaker.stats().calls).toMatchObject({ total: 1, blocked: 1, servedByFallback: 1 });
  });

  it('a client that stops (aborts) releases the model, counted once', async () => {
    const seen = { cancelled: false };
    const { model: m, breaker } = wrapped(
      model(() => randomChunks('A long and friendly answer. '.repeat(30), 9, 6), seen),
    );
    // streamText reads on for its own promises when a reader breaks off; its abortSignal is how a client stops.
    const abort = new AbortController();
    const result = streamText({ model: m, prompt: 'hi', abortSignal: abort.signal });
    let read = 0;
    for await (const t of result.textStream) {
      read += t.length;
      if (read > 100) abort.abort();
    }
    for (let i = 0; i < 50 && !seen.cancelled; i++) await new Promise((r) => setTimeout(r, 2));
    expect(seen.cancelled).toBe(true);
    expect(breaker.stats().calls).toMatchObject({ total: 1, blocked: 0, failed: 0 });
    expect(breaker.stats().policies[0]!.calls).toBe(1);
  });

  it('streamed tool-call input is judged like text; the open tool input is closed and the call never made', async () => {
    const input = '{"message":"you are a worthless idiot and everyone hates you"}';
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'tool-input-start', id: 'c1', toolName: 'send' },
      ...randomChunks(input, 4, 5).map((delta): LanguageModelV3StreamPart => ({
        type: 'tool-input-delta',
        id: 'c1',
        delta,
      })),
      { type: 'tool-input-end', id: 'c1' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'send', input },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: USAGE },
    ];
    const primary = new MockLanguageModelV3({ doStream: async () => ({ stream: ReadableStream.from(parts) }) });
    const { model: m } = wrapped(primary);
    const result = streamText({ model: m, prompt: 'hi' });
    const types: string[] = [];
    let shownInput = '';
    for await (const part of result.fullStream) {
      types.push(part.type);
      if (part.type === 'tool-input-delta') shownInput += part.delta;
    }
    expect(await result.finishReason).toBe('content-filter');
    expect(types).not.toContain('tool-call');
    expect(shownInput).not.toContain('idiot');
    expect(types.filter((t) => t === 'tool-input-start').length).toBe(
      types.filter((t) => t === 'tool-input-end').length,
    );
  });
});

describe('generateText through the middleware', () => {
  it('a blocked answer is replaced by the fallback model; with none, a content-filter answer', async () => {
    const toxic = () => [TOXIC[0]!];
    const withBackup = wrapped(
      model(toxic),
      model(() => ['Unplug the router first.']),
    );
    expect((await generateText({ model: withBackup.model, prompt: 'hi' })).text).toBe('Unplug the router first.');
    const alone = wrapped(model(toxic));
    const r = await generateText({ model: alone.model, prompt: 'hi' });
    expect(r.text).toBe(MESSAGE);
    expect(r.finishReason).toBe('content-filter');
    // The caller got an answer: a safe reply, not "exhausted" (which pages SafetyBreakerFallbackExhausted).
    expect(alone.breaker.stats().calls).toMatchObject({ blocked: 1, servedBySafeReply: 1, exhausted: 1 });
  });

  it('an open breaker with no fallback still reaches the caller as an error, counted as exhausted', async () => {
    const alone = wrapped(model(() => ['Unplug the router first.']));
    alone.breaker.forceOpen('drill');
    await expect(generateText({ model: alone.model, prompt: 'hi', maxRetries: 0 })).rejects.toThrow(/open/i);
    expect(alone.breaker.stats().calls).toMatchObject({ servedBySafeReply: 0, exhausted: 1 });
  });

  it('refuses a fallback that is not a language model', () => {
    expect(() => safetyBreakerMiddleware({ name: 'x', fallback: {} as never })).toThrow(/option "fallback"/);
  });

  it.each([
    [{ safeReply: 'Sorry, try again.' }, 'option "safeReply": not taken by the middleware'],
    [{ fallbacks: [async () => 'backup'] }, 'option "fallbacks": not taken by the middleware'],
    [{ text: () => '' }, 'option "text": not taken by the middleware'],
    [{ probes: [] }, 'option "probes": not taken by the middleware'],
    [{ stream: { text: () => '' } }, 'unknown option "stream.text"'],
    [{ stream: { chunk: () => 'x' } }, 'unknown option "stream.chunk"'],
  ])('refuses %o, a guard() option the middleware sets itself, when it is built', (extra, message) => {
    const make = () => safetyBreakerMiddleware({ name: 'x', detectors: [detector], ...extra } as never);
    expect(make).toThrow(TypeError);
    expect(make).toThrow(`safetyBreakerMiddleware(): ${message}`);
  });
});
