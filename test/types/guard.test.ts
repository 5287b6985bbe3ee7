/**
 * Type-level tests: checked by `tsc --noEmit` (npm run typecheck), which includes test/. The
 * runtime assertions beside them make sure the typed values are the real ones.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  guard,
  type BreakerState,
  type GuardEvents,
  type Guarded,
  type Signal,
  type TripDecision,
} from '../../src/index.js';

interface ChatRequest {
  model: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
}
interface ChatReply {
  id: string;
  text: string;
}

const chat = async (req: ChatRequest, opts?: { user?: string }): Promise<ChatReply> => ({
  id: '1',
  text: `${req.model}:${opts?.user ?? ''}`,
});

describe('guard() types', () => {
  it('the guarded function has exactly the parameters and result type of fn', async () => {
    const g = guard(chat, { name: 't', detectors: [] });
    expectTypeOf(g).parameters.toEqualTypeOf<[req: ChatRequest, opts?: { user?: string }]>();
    expectTypeOf(g).returns.toEqualTypeOf<Promise<ChatReply>>();
    expectTypeOf(g).toExtend<typeof chat>();
    expectTypeOf(g).toEqualTypeOf<Guarded<typeof chat>>();
    expectTypeOf(g.with({ signal: new AbortController().signal })).parameters.toEqualTypeOf<
      [req: ChatRequest, opts?: { user?: string }]
    >();
    expectTypeOf(g.with({})).returns.toEqualTypeOf<Promise<ChatReply>>();
    // @ts-expect-error a wrong argument type is a compile error
    void g({ model: 1, messages: [] }).catch(() => {});
    const reply = await g({ model: 'm', messages: [] }, { user: 'u' });
    expectTypeOf(reply).toEqualTypeOf<ChatReply>();
    if (reply.text !== 'm:u') throw new Error('the guarded function did not pass its arguments through');
  });

  it('fallbacks, safeReply and text are typed by fn', () => {
    guard(chat, {
      name: 't',
      fallbacks: [
        async (req, opts) => {
          expectTypeOf(req).toEqualTypeOf<ChatRequest>();
          expectTypeOf(opts).toEqualTypeOf<{ user?: string } | undefined>();
          return { id: 'f', text: 'fallback' };
        },
        { name: 'named', run: async () => ({ id: 'n', text: 'named' }) },
      ],
      safeReply: { id: 'safe', text: 'Sorry.' },
      text: (output) => {
        expectTypeOf(output).toEqualTypeOf<ChatReply>();
        return output.text;
      },
    });
    guard(chat, { name: 't', safeReply: (info) => ({ id: info.breaker, text: info.state }) });
    // @ts-expect-error a fallback must return fn's output type
    guard(chat, { name: 't', fallbacks: [async () => 42] });
    // @ts-expect-error the safe reply must be fn's output type
    guard(chat, { name: 't', safeReply: 'Sorry.' });
    // @ts-expect-error text() reads fn's output
    guard(chat, { name: 't', text: (output: string) => output });
    // Unknown options are compile errors, and TypeErrors at run time.
    // @ts-expect-error "fallback" is not an option
    expect(() => guard(chat, { name: 't', fallback: [] })).toThrow(TypeError);
  });

  it('the handle and event payloads are typed', () => {
    const g = guard(chat, { name: 't', detectors: [] });
    expectTypeOf(g.state).toEqualTypeOf<BreakerState>();
    expectTypeOf(g.stats().retryAfterMs).toEqualTypeOf<number>();
    g.on('trip', (e) => {
      expectTypeOf(e.decision).toEqualTypeOf<TripDecision>();
      expectTypeOf(e.openForMs).toEqualTypeOf<number>();
      expectTypeOf(e.from).toEqualTypeOf<BreakerState>();
    });
    g.on('block', (e) => {
      expectTypeOf(e.detectors).toEqualTypeOf<readonly string[]>();
      expectTypeOf(e.signals).toEqualTypeOf<readonly Signal[]>();
    });
    g.on('outcome', (e) => expectTypeOf(e).toEqualTypeOf<GuardEvents['outcome']>());
    g.on('budget-exceeded', (e) => expectTypeOf(e.elapsedMs).toBeNumber());
    const off = g.on('close', (e) => expectTypeOf(e.reason).toBeString());
    expectTypeOf(off).toEqualTypeOf<() => void>();
    // @ts-expect-error unknown event names are compile errors
    g.on('tripped', () => {});
    g.dispose();
  });

  it('a guarded function without arguments, and one returning a union', async () => {
    const g = guard(async () => 'x' as 'x' | 'y', { name: 't', detectors: [] });
    expectTypeOf(g).parameters.toEqualTypeOf<[]>();
    expectTypeOf(g).returns.resolves.toEqualTypeOf<'x' | 'y'>();
    if ((await g()) !== 'x') throw new Error('wrong output');
  });

  it('a synchronous model function (a local classifier) is guarded and returns a promise of its result', async () => {
    const classify = (text: string): { label: 'ok' | 'spam'; score: number } => ({
      label: text.includes('$$$') ? 'spam' : 'ok',
      score: 0.9,
    });
    const g = guard(classify, {
      name: 'sync',
      detectors: [],
      text: (out) => out.label,
      fallbacks: [() => ({ label: 'ok' as const, score: 0 })],
    });
    expectTypeOf(g).parameters.toEqualTypeOf<[text: string]>();
    expectTypeOf(g).returns.toEqualTypeOf<Promise<{ label: 'ok' | 'spam'; score: number }>>();
    expectTypeOf(g.with({})).returns.toEqualTypeOf<Promise<{ label: 'ok' | 'spam'; score: number }>>();
    expect(await g('win $$$')).toEqual({ label: 'spam', score: 0.9 });
  });
});
