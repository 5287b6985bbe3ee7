/** The real `openai` SDK (v6) against msw: what a user wrapping `chat.completions.create` sees. */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callSignal, guard, type GuardEvents } from '../../src/index.js';
import { marker } from '../guard/helpers.js';

const PRIMARY = 'http://127.0.0.1:9/v1';
const BACKUP = 'http://127.0.0.2:9/v1';

function completion(content: string, model = 'gpt-4o-mini'): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      { index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal: null } },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
  };
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Serves `replies` in order on the primary (the last one repeats); counts the requests. */
function primaryServes(...replies: (() => Response)[]): { requests: number; signals: AbortSignal[] } {
  const seen = { requests: 0, signals: [] as AbortSignal[] };
  server.use(
    http.post(`${PRIMARY}/chat/completions`, ({ request }) => {
      seen.signals.push(request.signal);
      const reply = replies[Math.min(seen.requests, replies.length - 1)]!;
      seen.requests++;
      return reply();
    }),
    http.post(`${BACKUP}/chat/completions`, () => HttpResponse.json(completion('backup says hello', 'backup-model'))),
  );
  return seen;
}

function chatGuard() {
  // The SDK's own retries are off: ours (p-retry) decide, so a retried call is counted once.
  const primary = new OpenAI({ apiKey: 'test', baseURL: PRIMARY, maxRetries: 0 });
  const backup = new OpenAI({ apiKey: 'test', baseURL: BACKUP, maxRetries: 0 });
  const g = guard(
    (req: ChatCompletionCreateParamsNonStreaming) => primary.chat.completions.create(req, { signal: callSignal() }),
    {
      name: 'openai',
      detectors: [marker()],
      fallbacks: [
        {
          name: 'backup',
          run: (req) => backup.chat.completions.create({ ...req, model: 'backup-model' }, { signal: callSignal() }),
        },
      ],
      retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 5 },
      timeoutMs: 10_000,
    },
  );
  const outcomes: string[] = [];
  g.on('outcome', (e: GuardEvents['outcome']) => outcomes.push(`${e.route}:${e.outcome}`));
  return { g, outcomes };
}

const request: ChatCompletionCreateParamsNonStreaming = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hi' }],
};

describe('openai SDK v6 through guard()', () => {
  it('success: the typed completion comes back unchanged', async () => {
    const seen = primaryServes(() => HttpResponse.json(completion('hello there')));
    const { g, outcomes } = chatGuard();
    const reply = await g(request);
    expect(reply.choices[0]!.message.content).toBe('hello there');
    expect(reply.model).toBe('gpt-4o-mini');
    expect(seen.requests).toBe(1);
    expect(outcomes).toEqual(['primary:success']);
  });

  it('429 then success: retried by our retry (SDK maxRetries 0), counted as one success', async () => {
    const seen = primaryServes(
      () =>
        HttpResponse.json(
          { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
          { status: 429, headers: { 'retry-after-ms': '1' } },
        ),
      () => HttpResponse.json(completion('after the rate limit')),
    );
    const { g, outcomes } = chatGuard();
    const reply = await g(request);
    expect(reply.choices[0]!.message.content).toBe('after the rate limit');
    expect(seen.requests).toBe(2);
    expect(outcomes).toEqual(['primary:success']);
    expect(g.stats().calls.failed).toBe(0);
  });

  it('a network failure then success: retried, counted as one success', async () => {
    const seen = primaryServes(
      () => HttpResponse.error(),
      () => HttpResponse.json(completion('after the network blip')),
    );
    const { g, outcomes } = chatGuard();
    const reply = await g(request);
    expect(reply.choices[0]!.message.content).toBe('after the network blip');
    expect(seen.requests).toBe(2);
    expect(outcomes).toEqual(['primary:success']);
  });

  it('500 on every attempt: the fallback serves', async () => {
    const seen = primaryServes(() =>
      HttpResponse.json({ error: { message: 'The server had an error', type: 'server_error' } }, { status: 500 }),
    );
    const { g, outcomes } = chatGuard();
    const reply = await g(request);
    expect(reply.choices[0]!.message.content).toBe('backup says hello');
    expect(seen.requests).toBe(3); // 1 + 2 retries
    expect(outcomes).toEqual(['primary:error', 'backup:success']);
    expect(g.stats().calls).toMatchObject({ failed: 1, servedByFallback: 1 });
  });

  it('a toxic completion is blocked; the fallback serves', async () => {
    primaryServes(() => HttpResponse.json(completion('you are TOXIC garbage')));
    const { g, outcomes } = chatGuard();
    const reply = await g(request);
    expect(reply.choices[0]!.message.content).toBe('backup says hello');
    expect(outcomes).toEqual(['primary:blocked', 'backup:success']);
  });

  it('a 400 from the API is the caller’s error: rethrown as the SDK error, no fallback', async () => {
    primaryServes(() =>
      HttpResponse.json({ error: { message: 'Invalid model', type: 'invalid_request_error' } }, { status: 400 }),
    );
    const { g, outcomes } = chatGuard();
    const error = await g(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(outcomes).toEqual([]);
  });

  it('the caller’s abort reaches the HTTP request through callSignal()', async () => {
    let aborted: Promise<void> | undefined;
    server.use(
      http.post(`${PRIMARY}/chat/completions`, ({ request: req }) => {
        aborted = new Promise((resolve) => req.signal.addEventListener('abort', () => resolve()));
        return new Promise<Response>(() => {}); // never answers
      }),
    );
    const { g } = chatGuard();
    const controller = new AbortController();
    const pending = g.with({ signal: controller.signal })(request);
    while (!aborted) await new Promise((r) => setTimeout(r, 1));
    controller.abort(new Error('client disconnected'));
    await expect(pending).rejects.toThrow('client disconnected');
    await aborted; // the SDK's fetch saw the abort
    expect(g.stats().calls.failed).toBe(0);
  });
});
