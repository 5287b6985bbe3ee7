/**
 * Tracing a streamed answer: the route call's span stays open until the stream ends, is cut, fails
 * or the client stops reading, and records how it ended, its time to first chunk and the cut.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callSignal, guard } from '../../src/index.js';
import { toxicity } from '../../src/detectors/toxicity/index.js';
import { virtualClock } from '../guard/helpers.js';
import { chatChunks, sseResponse } from './sse.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
const spans = (): ReadableSpan[] => exporter.getFinishedSpans();

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => exporter.reset());
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  await provider.shutdown();
});

const detectors = [toxicity()];
const TOXIC = 'Here is the plan for today. You are a worthless idiot and I hate you. Then we ship it.';
const BENIGN = 'Here is the plan for today. We write the tests first. Then we ship it.';

async function* pieces(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const c of stream) out += c;
  return out;
}

const cutEvents = (span: ReadableSpan) => span.events.filter((e) => e.name === 'safety_breaker.stream.cut');

describe('tracing a streamed answer', () => {
  it('the span stays open until the stream ends, and records time to first chunk and what was shown', async () => {
    const clock = virtualClock();
    async function* model(text: string) {
      clock.advance(120); // time to first chunk
      yield text.slice(0, 10);
      clock.advance(400);
      yield text.slice(10);
    }
    const g = guard(async (t: string) => model(t), { name: 'chat', detectors, clock: clock.now, tracing: { tracer } });
    const stream = await g(BENIGN);
    expect(spans()).toHaveLength(0); // returned, not over
    expect(await collect(stream)).toBe(BENIGN);
    const [span] = spans();
    expect(spans()).toHaveLength(1);
    expect(span!.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.time_to_first_chunk': 0.12,
      'safety_breaker.route': 'primary',
      'safety_breaker.outcome': 'success',
      'safety_breaker.stream.end': 'finished',
      'safety_breaker.stream.shown_chars': BENIGN.length,
    });
    expect(span!.events.filter((e) => e.name === 'gen_ai.guardrail.result')).toHaveLength(1);
    expect(cutEvents(span!)).toEqual([]);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a cut ends the span as blocked with a cut event; the fallback continuing the answer has its own span', async () => {
    let endedBeforeBackup: string[] = [];
    const backupRun = async () => {
      endedBeforeBackup = spans().map((s) => s.attributes['safety_breaker.route'] as string);
      return pieces(' Backup answer.', 4);
    };
    const g = guard(async (t: string) => pieces(t, 3), {
      name: 'chat',
      detectors,
      fallbacks: [{ name: 'backup', run: backupRun }],
      stream: { continueWith: () => ['continue'] },
      tracing: { tracer },
    });
    const out = await collect(await g(TOXIC));
    expect(out).toMatch(/ Backup answer\.$/);
    const [primary, backup] = spans();
    expect(spans()).toHaveLength(2);
    expect(primary!.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'safety_breaker.route': 'primary',
      'safety_breaker.outcome': 'blocked',
      'safety_breaker.blocked_by': ['toxicity'],
      'safety_breaker.stream.end': 'cut',
      'safety_breaker.stream.shown_chars': out.length - ' Backup answer.'.length,
    });
    expect(cutEvents(primary!).map((e) => e.attributes)).toEqual([{ 'safety_breaker.stream.then': 'fallback' }]);
    expect(backup!.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'safety_breaker.route': 'backup',
      'safety_breaker.outcome': 'success',
      'safety_breaker.stream.end': 'finished',
      'safety_breaker.stream.shown_chars': ' Backup answer.'.length,
    });
    // The primary's span was over before the backup was called: each covers its own route's part.
    expect(endedBeforeBackup).toEqual(['primary']);
  });

  it("with onCut 'end' the cut event says the stream ended with the safe message", async () => {
    const g = guard(async (t: string) => pieces(t, 3), {
      name: 'chat',
      detectors,
      stream: { onCut: 'end', message: '[cut]' },
      tracing: { tracer },
    });
    expect(await collect(await g(TOXIC))).toMatch(/\[cut\]$/);
    expect(spans()).toHaveLength(1);
    expect(cutEvents(spans()[0]!).map((e) => e.attributes)).toEqual([{ 'safety_breaker.stream.then': 'end' }]);
  });

  it('a client that stops reading ends the span as client_stopped, without an error', async () => {
    const g = guard(async (t: string) => pieces(t, 3), {
      name: 'chat',
      detectors,
      stream: { holdBack: 0 },
      tracing: { tracer },
    });
    for await (const chunk of await g(BENIGN)) {
      expect(chunk).toBe('Her');
      break;
    }
    const [span] = spans();
    expect(spans()).toHaveLength(1);
    expect(span!.attributes).toMatchObject({
      'safety_breaker.outcome': 'success',
      'safety_breaker.stream.end': 'client_stopped',
      'safety_breaker.stream.shown_chars': 3,
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a stream that fails part-way ends its span with the error; the fallback continuing it has its own', async () => {
    async function* breaks(text: string) {
      yield text.slice(0, 30);
      throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    }
    const g = guard(async (t: string) => breaks(t), {
      name: 'chat',
      detectors,
      fallbacks: [{ name: 'backup', run: async () => pieces('Fallback answer.', 4) }],
      stream: { holdBack: 0, continueWith: () => ['continue'] },
      tracing: { tracer },
    });
    expect(await collect(await g(BENIGN))).toBe(`${BENIGN.slice(0, 30)}Fallback answer.`);
    const [primary, backup] = spans();
    expect(primary!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connection reset' });
    expect(primary!.attributes).toMatchObject({
      'error.type': 'ECONNRESET',
      'safety_breaker.outcome': 'error',
      'safety_breaker.stream.end': 'error',
      'safety_breaker.stream.shown_chars': 30,
    });
    expect(backup!.attributes).toMatchObject({
      'safety_breaker.route': 'backup',
      'safety_breaker.stream.end': 'finished',
    });
  });

  it('a chunk the guard cannot read ends the span with the error that says so', async () => {
    async function* odd() {
      yield { weird: 'shape' };
    }
    const g = guard(async () => odd(), { name: 'chat', detectors, tracing: { tracer } });
    await expect(collect((await g()) as AsyncIterable<never>)).rejects.toThrow(/stream\.text\(chunk\)/);
    const [span] = spans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes).toMatchObject({
      'error.type': 'TypeError',
      'safety_breaker.outcome': 'error',
      'safety_breaker.stream.end': 'error',
    });
  });

  it('a trip caused by a streamed answer is an event on its span', async () => {
    const g = guard(async (t: string) => pieces(t, 6), {
      name: 'chat',
      detectors,
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 1 },
      stream: { onCut: 'end' },
      tracing: { tracer },
    });
    await collect(await g(TOXIC));
    expect(g.state).toBe('open');
    const trips = spans()[0]!.events.filter((e) => e.name === 'safety_breaker.trip');
    expect(trips.map((e) => e.attributes!['safety_breaker.policy'])).toEqual(['rate']);
  });

  it('with recordContent, the streamed text is recorded redacted; without it, never', async () => {
    const text = 'Sure, write to jane@example.com about it.';
    const withContent = guard(async (t: string) => pieces(t, 5), {
      name: 'chat',
      detectors: [],
      tracing: { tracer, recordContent: true },
    });
    expect(await collect(await withContent(text))).toBe(text);
    expect(JSON.parse(spans()[0]!.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Sure, write to [REDACTED_EMAIL] about it.' }] },
    ]);
    exporter.reset();
    const without = guard(async (t: string) => pieces(t, 5), { name: 'chat', detectors: [], tracing: { tracer } });
    await collect(await without(text));
    expect(JSON.stringify(spans()[0]!.attributes)).not.toContain('jane');
  });

  it("through the OpenAI SDK: the response id, model and usage come from the stream's last chunk", async () => {
    const usage: ChatCompletionChunk = {
      id: 'chatcmpl-s',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 17, total_tokens: 26 },
    };
    server.use(
      http.post('http://127.0.0.1:9/v1/chat/completions', () =>
        sseResponse([...chatChunks(['Here is ', 'the plan.'], 'gpt-4o-mini-2024-07-18'), usage]),
      ),
    );
    const openai = new OpenAI({ apiKey: 'test', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
    const chat = guard(
      (req: OpenAI.Chat.ChatCompletionCreateParamsStreaming) =>
        openai.chat.completions.create(req, { signal: callSignal() }),
      { name: 'chat', detectors, tracing: { tracer } },
    );
    const stream = await chat({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Here is the plan.');
    const [span] = spans();
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'chatcmpl-s',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 17,
      'safety_breaker.stream.end': 'finished',
    });
  });
});
