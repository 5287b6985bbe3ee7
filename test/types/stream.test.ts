/** Type-level tests for streamed answers (checked by `tsc --noEmit`): the guarded function returns exactly the stream type. */
import OpenAI from 'openai';
import type { Stream } from 'openai/streaming';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { guard } from '../../src/index.js';

const client = new OpenAI({ apiKey: 'test', baseURL: 'http://127.0.0.1:9/v1' });

describe('streamed answers keep their types', () => {
  it("the OpenAI SDK's chat Stream, Responses events, async generators and web ReadableStreams", () => {
    const create = (req: ChatCompletionCreateParamsStreaming) => client.chat.completions.create(req);
    const chat = guard(create, {
      name: 'chat',
      detectors: [],
      stream: {
        holdBack: 'sentence',
        text: (chunk) => {
          expectTypeOf(chunk).toEqualTypeOf<ChatCompletionChunk>();
          return chunk.choices[0]?.delta.content ?? '';
        },
        continueWith: (args, sent) => {
          expectTypeOf(args).toEqualTypeOf<[req: ChatCompletionCreateParamsStreaming]>();
          return [{ ...args[0], messages: [...args[0].messages, { role: 'assistant', content: sent }] }];
        },
      },
    });
    expectTypeOf(chat).returns.toEqualTypeOf<ReturnType<typeof create>>();
    expectTypeOf<Awaited<ReturnType<typeof chat>>>().toExtend<Stream<ChatCompletionChunk>>();

    const responses = guard((input: string) => client.responses.create({ model: 'gpt-4o-mini', input, stream: true }), {
      name: 'responses',
      detectors: [],
    });
    expectTypeOf<Awaited<ReturnType<typeof responses>>>().toExtend<Stream<ResponseStreamEvent>>();

    const generator = guard(
      async function* (prompt: string) {
        yield prompt;
      },
      { name: 'gen', detectors: [], stream: { chunk: (message) => message } },
    );
    // A function that returns its stream synchronously (an async generator) is guarded asynchronously.
    expectTypeOf(generator).returns.toEqualTypeOf<Promise<AsyncGenerator<string, void, unknown>>>();

    const web = guard(async (prompt: string) => new ReadableStream<string>({ start: (c) => c.enqueue(prompt) }), {
      name: 'web',
      detectors: [],
    });
    expectTypeOf(web).returns.toEqualTypeOf<Promise<ReadableStream<string>>>();
    const stringStream = async (p: string) => new ReadableStream<string>({ start: (c) => c.enqueue(p) });
    // @ts-expect-error stream.text reads a chunk of the stream's own type
    guard(stringStream, { name: 'x', detectors: [], stream: { text: (c: number) => String(c) } });
    expect([chat, responses, generator, web].every((g) => typeof g === 'function')).toBe(true);
  });
});
