/**
 * Type-level tests of `createBreakers`: checked by `tsc --noEmit` (npm run typecheck), which
 * includes test/. The runtime assertions beside them make sure the typed values are the real ones.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type CallContext, type Guarded } from '../../src/index.js';
import { createBreakers, parseConfig } from '../../src/entries/config.js';

interface ChatRequest {
  model: string;
  user?: { locale: string };
}
interface ChatReply {
  id: string;
  text: string;
}

const chat = async (req: ChatRequest): Promise<ChatReply> => ({ id: '1', text: `${req.model}` });

const config = parseConfig(`breakers:
  chat:
    detectors: {}
    retry: false
    fallbacks: [mini]
  classify:
    detectors: {}
    retry: false
`);

describe('createBreakers() types', () => {
  it('types every part of a binding by its primary: context, fallbacks, safeReply and text', async () => {
    const set = createBreakers(config, {
      chat: {
        primary: chat,
        // Unannotated: the parameters come from the primary (they were `never`).
        fallbacks: {
          mini: async (req) => {
            expectTypeOf(req).toEqualTypeOf<ChatRequest>();
            return { id: 'mini', text: req.model };
          },
        },
        safeReply: { id: 'safe', text: 'Sorry.' },
        text: (output) => {
          expectTypeOf(output).toEqualTypeOf<ChatReply>();
          return output.text;
        },
        context: (req) => {
          expectTypeOf(req).toEqualTypeOf<ChatRequest>();
          return { group: req.user?.locale };
        },
      },
    });
    expectTypeOf(set.breakers.chat).toEqualTypeOf<Guarded<typeof chat>>();
    expectTypeOf(set.breakers.chat).parameters.toEqualTypeOf<[req: ChatRequest]>();
    expectTypeOf(set.breakers.chat).returns.toEqualTypeOf<Promise<ChatReply>>();
    // @ts-expect-error a wrong argument type is a compile error
    void set.breakers.chat({ model: 1 }).catch(() => {});
    expect(await set.breakers.chat({ model: 'm' })).toEqual({ id: '1', text: 'm' });
    set.dispose();
  });

  it('checks fallbacks, safeReply, text and context against the primary', async () => {
    const fallbacks = { mini: async () => ({ id: 'm', text: 'mini' }) };
    // @ts-expect-error a fallback must return the primary's output type
    createBreakers(config, { chat: { primary: chat, fallbacks: { mini: async () => 42 } } }).dispose();
    const wrongArgs = { mini: async (n: number) => ({ id: '', text: `${n}` }) };
    // @ts-expect-error a fallback takes the primary's parameters
    createBreakers(config, { chat: { primary: chat, fallbacks: wrongArgs } }).dispose();
    // @ts-expect-error a safe reply function must return the primary's output type
    createBreakers(config, { chat: { primary: chat, fallbacks, safeReply: () => 'Sorry.' } }).dispose();
    // @ts-expect-error text() reads the primary's output
    createBreakers(config, { chat: { primary: chat, fallbacks, text: (output: string) => output } }).dispose();
    const wrongContext = (n: number): CallContext => ({ n });
    // @ts-expect-error context() takes the primary's parameters
    createBreakers(config, { chat: { primary: chat, fallbacks, context: wrongContext } }).dispose();

    // What the check prevents: a safe reply of another type reaches callers typed as ChatReply.
    const failing = async (req: ChatRequest): Promise<ChatReply> => {
      throw Object.assign(new Error(`down: ${req.model}`), { status: 503 });
    };
    const down = { mini: failing };
    // @ts-expect-error the safe reply must be the primary's output type
    const set = createBreakers(config, { chat: { primary: failing, fallbacks: down, safeReply: 'Sorry.' } });
    const reply: ChatReply = await set.breakers.chat({ model: 'm' });
    expect(reply).toBe('Sorry.');
    set.dispose();
  });

  it('each binding is typed by its own primary, a synchronous one included', async () => {
    const classify = (text: string, threshold: number): { label: 'ok' | 'toxic'; score: number } => ({
      label: text.includes('idiot') && threshold < 1 ? 'toxic' : 'ok',
      score: 0.1,
    });
    const set = createBreakers(config, {
      chat: { primary: chat, fallbacks: { mini: async (req) => ({ id: 'mini', text: req.model }) } },
      classify: {
        primary: classify,
        safeReply: { label: 'ok', score: 0 },
        text: (output) => output.label,
        context: (text, threshold) => ({ long: text.length > threshold }),
      },
    });
    expectTypeOf(set.breakers.classify).parameters.toEqualTypeOf<[text: string, threshold: number]>();
    // A synchronous primary is guarded as an async one: the call returns a promise of its output.
    expectTypeOf(set.breakers.classify).returns.toEqualTypeOf<Promise<{ label: 'ok' | 'toxic'; score: number }>>();
    expectTypeOf(set.breakers.chat).returns.toEqualTypeOf<Promise<ChatReply>>();
    // @ts-expect-error a safe reply of another binding's type
    createBreakers(config, { classify: { primary: classify, safeReply: { id: 'x', text: 'x' } } }).dispose();
    expect(await set.breakers.classify('hello', 0.5)).toEqual({ label: 'ok', score: 0.1 });
    set.dispose();
  });
});
