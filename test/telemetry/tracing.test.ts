import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { guard, type HotPathDetector } from '../../src/index.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
beforeEach(() => exporter.reset());
afterAll(() => provider.shutdown());

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();

interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
}
const completion = (content: string, model = 'gpt-4o-mini-2024-07-18') => ({
  id: 'chatcmpl-123',
  object: 'chat.completion',
  model,
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
});
const words = (word: string, block = false): HotPathDetector => ({
  name: `no-${word}`,
  detect: ({ text }) => {
    const hit = text.includes(word);
    return {
      detector: `no-${word}`,
      score: hit ? 0.9 : 0.1,
      flagged: hit,
      blocked: block && hit,
      reason: hit ? `contains a listed word` : undefined,
    };
  },
});
const request = (content: string): ChatRequest => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

describe('tracing', () => {
  it('writes one CLIENT span per model call, named and attributed per the GenAI conventions, with usage tokens', async () => {
    const chat = guard(async (_req: ChatRequest) => completion('Hello there'), {
      name: 'chat',
      detectors: [words('darn')],
      tracing: { tracer },
    });
    await chat(request('hi'));
    const [span] = spans();
    expect(spans()).toHaveLength(1);
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-123',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 7,
      'safety_breaker.breaker': 'chat',
      'safety_breaker.route': 'primary',
      'safety_breaker.probe': false,
      'safety_breaker.outcome': 'success',
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    chat.dispose();
  });

  it('adds a gen_ai.guardrail.result event per detector signal', async () => {
    const chat = guard(async (_req: ChatRequest) => completion('darn it'), {
      name: 'chat',
      detectors: [words('darn'), words('heck')],
      tracing: { tracer },
    });
    await chat(request('hi'));
    const events = spans()[0]!.events.filter((e) => e.name === 'gen_ai.guardrail.result');
    expect(events.map((e) => e.attributes)).toEqual([
      {
        'safety_breaker.detector': 'no-darn',
        'safety_breaker.score': 0.9,
        'safety_breaker.flagged': true,
        'safety_breaker.blocked': false,
        'safety_breaker.reason': 'contains a listed word',
      },
      {
        'safety_breaker.detector': 'no-heck',
        'safety_breaker.score': 0.1,
        'safety_breaker.flagged': false,
        'safety_breaker.blocked': false,
      },
    ]);
    chat.dispose();
  });

  it('traces a blocked output and the fallback that replaced it as two spans, with per-route provider and model', async () => {
    const chat = guard(async (_req: ChatRequest) => completion('darn'), {
      name: 'chat',
      detectors: [words('darn', true)],
      fallbacks: [
        {
          name: 'claude',
          run: async () =>
            ({
              id: 'msg_1',
              model: 'claude-x',
              content: [{ type: 'text', text: 'hi' }],
              stop_reason: 'end_turn',
              usage: { input_tokens: 3, output_tokens: 1 },
            }) as never,
        },
      ],
      tracing: {
        tracer,
        provider: (route) => (route === 'claude' ? 'anthropic' : 'openai'),
        model: (args, route) => (route === 'claude' ? 'claude-x' : args[0].model),
      },
    });
    await chat(request('hi'));
    const [primary, fallback] = spans();
    expect(primary!.attributes).toMatchObject({
      'safety_breaker.outcome': 'blocked',
      'safety_breaker.blocked_by': ['no-darn'],
      'gen_ai.provider.name': 'openai',
    });
    expect(fallback!.name).toBe('chat claude-x');
    expect(fallback!.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'safety_breaker.route': 'claude',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 1,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'safety_breaker.outcome': 'success',
    });
    chat.dispose();
  });

  it('marks a failed call with error status and error.type', async () => {
    const chat = guard(
      async (_req: ChatRequest) => {
        throw Object.assign(new Error('upstream exploded'), { status: 500 });
      },
      { name: 'chat', detectors: [], retry: false, tracing: { tracer } },
    );
    await expect(chat(request('hi'))).rejects.toThrow('upstream exploded');
    const [span] = spans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream exploded' });
    expect(span!.attributes).toMatchObject({ 'error.type': '500', 'safety_breaker.outcome': 'error' });
    chat.dispose();
  });

  it('redacts the error message in the span status like content, with the redactor the operator chose', async () => {
    const echo = 'bad prompt: call +1 415 555 2671 with password=hunter2';
    const failing = async (_req: ChatRequest) => {
      throw Object.assign(new Error(echo), { status: 500 });
    };
    const byDefault = guard(failing, { name: 'chat', detectors: [], retry: false, tracing: { tracer } });
    await expect(byDefault(request('hi'))).rejects.toThrow(echo);
    expect(spans()[0]!.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'bad prompt: call [REDACTED_PHONE] with password=[REDACTED_SECRET]',
    });
    byDefault.dispose();
    exporter.reset();

    const own = guard(failing, {
      name: 'chat',
      detectors: [],
      retry: false,
      tracing: { tracer, recordContent: { redact: (t) => t.replace(/\d/g, '#') } },
    });
    await expect(own(request('hi'))).rejects.toThrow(echo);
    expect(spans()[0]!.status.message).toBe('bad prompt: call +# ### ### #### with password=hunter#');
    own.dispose();
  });

  it('redacts a provider error message that a failed probe carries into the trip reason', async () => {
    let now = 0;
    let reply = 'darn';
    const chat = guard(
      async (_req: ChatRequest) => {
        if (reply === 'throw') throw Object.assign(new Error('echo of the prompt: jane@example.com'), { status: 500 });
        return completion(reply);
      },
      {
        name: 'chat',
        detectors: [words('darn')],
        retry: false,
        clock: () => now,
        probes: [[request('probe')]],
        trip: { policy: 'rate', threshold: 0.5, minimumCalls: 3 },
        fallbacks: [async () => completion('fallback')],
        tracing: { tracer },
      },
    );
    for (let i = 0; i < 3; i++) await chat(request('hi'));
    expect(chat.state).toBe('open');
    reply = 'throw';
    now += 60_000;
    const suite = new Promise<{ passed: boolean; reason?: string }>((resolve) => chat.on('probe-suite', resolve));
    await chat(request('hi'));
    expect(await suite).toMatchObject({ passed: false });
    const trips = spans().flatMap((s) => s.events.filter((e) => e.name === 'safety_breaker.trip'));
    expect(trips).toHaveLength(2);
    expect(trips[1]!.attributes!['safety_breaker.reason']).toBe(
      'probe 1 of 1 failed: echo of the prompt: [REDACTED_EMAIL]',
    );
    chat.dispose();
  });

  it('records a trip as a span event on the call that tripped the breaker', async () => {
    const chat = guard(async (_req: ChatRequest) => completion('darn'), {
      name: 'chat',
      detectors: [words('darn')],
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 3 },
      tracing: { tracer },
    });
    for (let i = 0; i < 3; i++) await chat(request('hi'));
    expect(chat.state).toBe('open');
    const tripEvents = spans().map((s) => s.events.filter((e) => e.name === 'safety_breaker.trip'));
    expect(tripEvents.map((e) => e.length)).toEqual([0, 0, 1]);
    expect(tripEvents[2]![0]!.attributes).toMatchObject({
      'safety_breaker.policy': 'rate',
      'safety_breaker.from': 'closed',
      'safety_breaker.details.calls': 3,
      'safety_breaker.open_for_ms': 30_000,
    });
    chat.dispose();
  });

  it('never records prompts or outputs unless the operator opts in, and then redacts them', async () => {
    const secretPrompt = 'my email is jane@example.com, card 4111 1111 1111 1111';
    const output = 'call me at +1 415 555 2671';
    const plain = guard(async (_req: ChatRequest) => completion(output), {
      name: 'chat',
      detectors: [],
      tracing: { tracer },
    });
    await plain(request(secretPrompt));
    const everything = JSON.stringify(spans().map((s) => ({ a: s.attributes, e: s.events })));
    expect(everything).not.toContain('jane');
    expect(everything).not.toContain('415');
    expect(spans()[0]!.attributes['gen_ai.input.messages']).toBeUndefined();
    plain.dispose();
    exporter.reset();

    const optedIn = guard(async (_req: ChatRequest) => completion(output), {
      name: 'chat',
      detectors: [],
      tracing: { tracer, recordContent: true },
    });
    await optedIn(request(secretPrompt));
    const attrs = spans()[0]!.attributes;
    expect(JSON.parse(attrs['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'my email is [REDACTED_EMAIL], card [REDACTED_CARD]' }] },
    ]);
    expect(JSON.parse(attrs['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'call me at [REDACTED_PHONE]' }] },
    ]);
    optedIn.dispose();
  });

  it('is off by default; tracing: true uses the global tracer provider', async () => {
    const off = guard(async (_req: ChatRequest) => completion('x'), { name: 'chat', detectors: [] });
    trace.setGlobalTracerProvider(provider);
    try {
      await off(request('hi'));
      expect(spans()).toHaveLength(0);
      const on = guard(async (_req: ChatRequest) => completion('x'), { name: 'chat-2', detectors: [], tracing: true });
      await on(request('hi'));
      expect(spans().map((s) => [s.name, s.instrumentationScope.name])).toEqual([
        ['chat gpt-4o-mini', 'safety-breaker'],
      ]);
      on.dispose();
    } finally {
      trace.disable();
    }
    off.dispose();
  });

  it('rejects a bad tracing option with a TypeError naming it', () => {
    expect(() => guard(async () => 'x', { name: 'chat', tracing: { tracer: {} as never } })).toThrow(/tracing/);
    expect(() => guard(async () => 'x', { name: 'chat', tracing: { operation: 42 } as never })).toThrow(/tracing/);
  });
});
