/**
 * Streamed answers through the real `openai` SDK (v6) against msw: a toxic span is never shown,
 * whatever the chunking; the iteration always ends normally; the same verdict as the whole answer;
 * a cut continues on the fallback; a client that stops reading releases the model.
 */
import { getEventListeners } from 'node:events';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callSignal, guard, type GuardEvents } from '../../src/index.js';
import { toxicity } from '../../src/detectors/toxicity/index.js';
import { CHALLENGE } from '../toxicity/challenge.js';
import { blockedSpanStart, chatChunk, chatChunks, randomChunks, splitAt, sseResponse } from './sse.js';

const PRIMARY = 'http://127.0.0.1:9/v1';
const BACKUP = 'http://127.0.0.2:9/v1';
const MESSAGE = ' [withheld]';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const request: ChatCompletionCreateParamsStreaming = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
};

/** The primary serves the next chunking in `plan` per request; records each request's signal and body. */
function serve(plan: () => ChatCompletionChunk[], backup?: () => ChatCompletionChunk[]) {
  const seen = { signals: [] as AbortSignal[], backupBodies: [] as unknown[], cancelled: 0 };
  server.use(
    http.post(`${PRIMARY}/chat/completions`, ({ request: r }) => {
      seen.signals.push(r.signal);
      return sseResponse(plan(), () => seen.cancelled++);
    }),
    http.post(`${BACKUP}/chat/completions`, async ({ request: r }) => {
      seen.backupBodies.push(await r.json());
      return sseResponse(backup ? backup() : chatChunks(['All good.'], 'backup-model'));
    }),
  );
  return seen;
}

const detector = toxicity();

function chatGuard(opts: { fallback?: boolean; holdBack?: number | 'sentence' } = {}) {
  const primary = new OpenAI({ apiKey: 'test', baseURL: PRIMARY, maxRetries: 0 });
  const backup = new OpenAI({ apiKey: 'test', baseURL: BACKUP, maxRetries: 0 });
  const outcomes: GuardEvents['outcome'][] = [];
  const g = guard(
    (req: ChatCompletionCreateParamsStreaming) => primary.chat.completions.create(req, { signal: callSignal() }),
    {
      name: 'stream',
      detectors: [detector],
      retry: false,
      trip: { policy: 'rate', threshold: 1, minimumCalls: 1_000_000 },
      fallbacks: opts.fallback
        ? [{ name: 'backup', run: (req) => backup.chat.completions.create({ ...req, model: 'backup-model' }) }]
        : [],
      stream: { onCut: opts.fallback ? 'fallback' : 'end', message: MESSAGE, holdBack: opts.holdBack ?? 64 },
    },
  );
  g.on('outcome', (e) => outcomes.push(e));
  return { g, outcomes };
}

/** Reads a guarded stream to its end: the content seen, and the last chunk's finish reason. */
async function readAll(stream: AsyncIterable<ChatCompletionChunk>): Promise<{ text: string; finish: string | null }> {
  let text = '';
  let finish: string | null = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  return { text, finish };
}

const TOXIC = [
  'Sure, here is how to reset the router. Honestly, you are a worthless idiot and I hate you. Unplug it first.',
  'The meeting moved to Tuesday. I know where you live, so be careful. See you then.',
  'Here is the answer: go die in a fire, loser. That is all.',
  'Women are vermin and should be treated like animals. Anyway, the recipe needs flour.',
];

describe('a toxic span never reaches the client', () => {
  it('split at every character offset: nothing of the blocked span is shown, and the iteration ends normally', async () => {
    for (const text of TOXIC) {
      const start = blockedSpanStart(text);
      expect(start, text).toBeDefined();
      let offset = 0;
      serve(() => chatChunks(splitAt(text, [offset])));
      const { g } = chatGuard();
      for (offset = 1; offset < text.length; offset++) {
        const { text: seen, finish } = await readAll(await g(request));
        expect(finish).toBe('content_filter');
        expect(seen.endsWith(MESSAGE), `${offset}`).toBe(true);
        const shown = seen.slice(0, -MESSAGE.length);
        expect(text.startsWith(shown)).toBe(true);
        expect(shown.length, `offset ${offset}: "${shown}"`).toBeLessThanOrEqual(start!);
      }
    }
  });

  it('in random chunkings, through every hold-back mode', async () => {
    for (const holdBack of [64, 'sentence'] as const) {
      for (const text of TOXIC) {
        const start = blockedSpanStart(text)!;
        let seed = 0;
        serve(() => chatChunks(randomChunks(text, ++seed, 9)));
        const { g } = chatGuard({ holdBack });
        for (let n = 0; n < 40; n++) {
          const { text: seen, finish } = await readAll(await g(request));
          expect(finish).toBe('content_filter');
          const shown = seen.slice(0, -MESSAGE.length);
          expect(text.startsWith(shown)).toBe(true);
          expect(shown.length, `${holdBack} seed ${seed}`).toBeLessThanOrEqual(start);
        }
      }
    }
  });

  it('the same answers streamed and whole give the same verdicts', async () => {
    let text = '';
    let seed = 100;
    serve(() => chatChunks(randomChunks(text, ++seed, 7)));
    const { g, outcomes } = chatGuard();
    let blocked = 0;
    for (const c of CHALLENGE) {
      text = c.text;
      outcomes.length = 0;
      const { finish } = await readAll(await g(request));
      const whole = detector.detect({ text, output: text, latencyMs: 0, route: 'primary', breaker: 'x', context: {} });
      const streamed = outcomes[0]!.signals.find((s) => s.detector === 'toxicity')!;
      expect(finish === 'content_filter', text).toBe(whole.blocked === true);
      expect(streamed.blocked === true, text).toBe(whole.blocked === true);
      expect(streamed.flagged, text).toBe(whole.flagged);
      if (whole.blocked) blocked++;
    }
    expect(blocked).toBeGreaterThan(10); // the corpus really exercises cuts
  });

  it('benign answers pass whole and in order, with their own finish', async () => {
    const text = 'Caching helps. Set the TTL to 60 seconds, then watch the hit rate! Does it work? Usually.';
    serve(() => chatChunks(randomChunks(text, 7, 5)));
    const { g } = chatGuard();
    expect(await readAll(await g(request))).toEqual({ text, finish: 'stop' });
  });
});

describe('a cut continues on the fallback', () => {
  it('the primary is aborted, the fallback gets the text shown as an assistant prefix, and its stream is guarded too', async () => {
    const text = TOXIC[0]!;
    const seen = serve(
      () => chatChunks(randomChunks(text, 3, 4)),
      () => chatChunks([' Let me try', ' again: unplug the router.'], 'backup-model'),
    );
    const { g } = chatGuard({ fallback: true });
    const { text: got, finish } = await readAll(await g(request));
    expect(finish).toBe('stop');
    expect(got.endsWith(' Let me try again: unplug the router.')).toBe(true);
    const shown = got.slice(0, -' Let me try again: unplug the router.'.length);
    expect(shown.length).toBeLessThanOrEqual(blockedSpanStart(text)!);
    expect(seen.signals[0]!.aborted).toBe(true);
    const body = seen.backupBodies[0] as { messages: { role: string; content: string }[]; model: string };
    expect(body.model).toBe('backup-model');
    expect(body.messages.at(-1)).toEqual({ role: 'assistant', content: shown });
    expect(g.stats().calls).toMatchObject({ total: 1, blocked: 1, servedByFallback: 1, servedByPrimary: 0 });
  });

  it('a toxic fallback is cut too, and the stream ends with the safe message', async () => {
    serve(
      () => chatChunks(['You are a worthless ', 'idiot. ']),
      () => chatChunks(['You are a ', 'pathetic moron. '], 'backup-model'),
    );
    const { g } = chatGuard({ fallback: true });
    const stream = await g(request);
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text.endsWith(MESSAGE)).toBe(true);
    expect(text).not.toMatch(/idiot|moron/);
    expect(finish).toBe('content_filter');
  });
});

describe('the Responses API', () => {
  it('streamed Responses events are read and cut the same way; the stream is the SDK class', async () => {
    const text = TOXIC[1]!;
    server.use(
      http.post(`${PRIMARY}/responses`, () =>
        sseResponse([
          { type: 'response.created', sequence_number: 0, response: { id: 'resp_1', object: 'response' } },
          ...randomChunks(text, 2, 6).map((delta, i) => ({
            type: 'response.output_text.delta',
            item_id: 'msg_1',
            output_index: 0,
            content_index: 0,
            delta,
            logprobs: [],
            sequence_number: i + 1,
          })),
          { type: 'response.completed', sequence_number: 99, response: { id: 'resp_1', object: 'response' } },
        ]),
      ),
    );
    const client = new OpenAI({ apiKey: 'test', baseURL: PRIMARY, maxRetries: 0 });
    const g = guard((input: string) => client.responses.create({ model: 'gpt-4o-mini', input, stream: true }), {
      name: 'responses',
      detectors: [detector],
      retry: false,
      stream: { message: MESSAGE },
    });
    const stream = await g('hi');
    expect(stream.constructor.name).toBe('Stream');
    expect(typeof stream.toReadableStream).toBe('function');
    let shown = '';
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') shown += event.delta;
    }
    expect(shown.endsWith(MESSAGE)).toBe(true);
    expect(shown.length - MESSAGE.length).toBeLessThanOrEqual(blockedSpanStart(text)!);
    expect(types).not.toContain('response.completed');
  });
});

describe('tool calls', () => {
  it('streamed tool-call arguments are judged like text; the cut closes the open call as incomplete', async () => {
    const args = '{"message": "you are a worthless idiot and everyone hates you", "to": "bob"}';
    const pieces = randomChunks(args, 11, 6);
    serve(() => [
      chatChunk({ role: 'assistant', content: null }),
      chatChunk({
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'send', arguments: '' } }],
      }),
      ...pieces.map((p) => chatChunk({ tool_calls: [{ index: 0, function: { arguments: p } }] })),
      chatChunk({}, 'tool_calls'),
    ]);
    const { g } = chatGuard();
    let shownArgs = '';
    let finish: string | null = null;
    for await (const chunk of await g(request)) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) shownArgs += call.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('content_filter');
    expect(shownArgs).not.toContain('idiot');
    expect(args.startsWith(shownArgs)).toBe(true);
  });
});

describe('a tool call half shown', () => {
  it('is not continued by the fallback (its own call would join it): the stream closes it as incomplete', async () => {
    const args = `{"note": "${'all good here, '.repeat(6)}but you are a worthless idiot"}`;
    const seen = serve(
      () => [
        chatChunk({ role: 'assistant', content: null }),
        chatChunk({
          tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'note', arguments: '' } }],
        }),
        ...randomChunks(args, 8, 6).map((p) => chatChunk({ tool_calls: [{ index: 0, function: { arguments: p } }] })),
        chatChunk({}, 'tool_calls'),
      ],
      () => chatChunks(['never used']),
    );
    const { g } = chatGuard({ fallback: true });
    let shownArgs = '';
    let finish: string | null = null;
    for await (const chunk of await g(request)) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) shownArgs += call.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(shownArgs.length).toBeGreaterThan(0);
    expect(shownArgs).not.toContain('idiot');
    expect(finish).toBe('content_filter');
    expect(seen.backupBodies).toHaveLength(0);
  });
});

describe('a client that stops reading', () => {
  it("releases the primary: the request's signal and callSignal() abort; no timer or listener is left", async () => {
    const text = 'A long and friendly answer. '.repeat(40);
    const seen = serve(() => chatChunks(randomChunks(text, 5, 8)));
    let modelSignal: AbortSignal | undefined;
    const primary = new OpenAI({ apiKey: 'test', baseURL: PRIMARY, maxRetries: 0 });
    const g = guard(
      (req: ChatCompletionCreateParamsStreaming) => {
        modelSignal = callSignal();
        return primary.chat.completions.create(req, { signal: modelSignal });
      },
      { name: 'stop', detectors: [detector], retry: false },
    );
    const callerSignal = new AbortController().signal;
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const stream = await g.with({ signal: callerSignal })(request);
    let read = 0;
    for await (const chunk of stream) {
      read += chunk.choices[0]?.delta.content?.length ?? 0;
      if (read > 100) break;
    }
    expect(seen.signals[0]!.aborted).toBe(true);
    expect(modelSignal!.aborted).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(timers()).toBe(before);
    expect(getEventListeners(callerSignal, 'abort')).toHaveLength(0);
    expect(getEventListeners(modelSignal!, 'abort')).toHaveLength(0);
    // Counted once, as an answer that was not the model's fault.
    expect(g.stats().calls).toMatchObject({ total: 1, servedByPrimary: 1, failed: 0, blocked: 0 });
    expect(g.stats().policies[0]!.calls).toBe(1);
  });

  it("the caller's signal aborting mid-stream ends the iteration and releases the primary", async () => {
    const seen = serve(() => chatChunks(randomChunks('A long and friendly answer. '.repeat(40), 6, 8)));
    const primary = new OpenAI({ apiKey: 'test', baseURL: PRIMARY, maxRetries: 0 });
    const g = guard(
      (req: ChatCompletionCreateParamsStreaming) => primary.chat.completions.create(req, { signal: callSignal() }),
      { name: 'caller-abort', detectors: [detector], retry: false },
    );
    const caller = new AbortController();
    let read = 0;
    for await (const chunk of await g.with({ signal: caller.signal })(request)) {
      read += chunk.choices[0]?.delta.content?.length ?? 0;
      if (read > 100 && !caller.signal.aborted) caller.abort();
    }
    expect(read).toBeLessThan(40 * 28);
    expect(seen.signals[0]!.aborted).toBe(true);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect(g.stats().calls).toMatchObject({ total: 1, servedByPrimary: 1, failed: 0 });
  });
});
