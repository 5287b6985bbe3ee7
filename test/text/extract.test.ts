import { describe, expect, it } from 'vitest';
import { defaultText, extractText, TEXT_VALUE_LIMIT } from '../../src/text/extract.js';

describe('defaultText', () => {
  it('plain strings pass through', () => {
    expect(defaultText('hello')).toBe('hello');
    expect(defaultText('')).toBe('');
  });

  it('OpenAI chat completion: every choice, string or part content, and refusals', () => {
    const completion = {
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'first' } },
        {
          index: 1,
          message: {
            role: 'assistant',
            content: [
              { type: 'text', text: 'part a' },
              { type: 'text', text: 'part b' },
            ],
          },
        },
        { index: 2, message: { role: 'assistant', content: null, refusal: 'I refuse' } },
      ],
    };
    expect(defaultText(completion)).toBe('first\npart a\npart b\nI refuse');
  });

  it('OpenAI chat completion chunk (delta) and legacy completion (text)', () => {
    expect(defaultText({ choices: [{ delta: { content: 'chunk' } }] })).toBe('chunk');
    expect(defaultText({ choices: [{ text: 'legacy' }] })).toBe('legacy');
  });

  it('OpenAI Responses API: output_text, or the output items when it is absent', () => {
    expect(defaultText({ object: 'response', output_text: 'joined', output: [] })).toBe('joined');
    const response = {
      object: 'response',
      output: [
        { type: 'reasoning', summary: [] },
        {
          type: 'message',
          content: [
            { type: 'output_text', text: 'one' },
            { type: 'refusal', refusal: 'no' },
          ],
        },
      ],
    };
    expect(defaultText(response)).toBe('one\nno');
  });

  it('Anthropic message: text blocks only', () => {
    const message = {
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'text', text: 'hello' },
        { type: 'tool_use', id: 't', name: 'x', input: { q: 1 } },
        { type: 'text', text: 'world' },
      ],
    };
    expect(defaultText(message)).toBe('hello\nworld');
  });

  it('Vercel AI SDK generateText result', () => {
    expect(defaultText({ text: 'from ai sdk', finishReason: 'stop', usage: {} })).toBe('from ai sdk');
  });

  it('non-text outputs become text without throwing', () => {
    expect(defaultText(42)).toBe('42');
    expect(defaultText(true)).toBe('true');
    expect(defaultText(null)).toBe('');
    expect(defaultText(undefined)).toBe('');
    expect(defaultText(['a', ['b', { c: 'd' }]])).toBe('a\nb\nd');
    expect(defaultText({ nested: { deep: 'x' }, n: 1 })).toBe('x');
    expect(defaultText(new Uint8Array([104, 105]))).toBe('');
  });

  it('unknown shapes are walked for strings, so a toxic field is still scanned', () => {
    expect(defaultText({ data: { answer: 'TOXIC' } })).toContain('TOXIC');
  });

  it('a cyclic or very deep object does not hang or overflow', () => {
    const cyclic: Record<string, unknown> = { a: 'x' };
    cyclic.self = cyclic;
    expect(defaultText(cyclic)).toContain('x');
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(typeof defaultText(deep)).toBe('string');
  });
});

/** `value` nested `depth` levels deep in plain objects (depth 1: `{ d: value }`). */
const nested = (value: unknown, depth: number): unknown => {
  let out = value;
  for (let i = 0; i < depth; i++) out = { d: out, n: i };
  return out;
};

describe('extractText: what the default extractor reads, and what it reports it could not', () => {
  it.each([1, 8, 9, 12, 100, 10_000])('a string %i levels deep is read', (depth) => {
    expect(defaultText(nested('TOXIC', depth))).toBe('TOXIC');
    expect(extractText(nested('TOXIC', depth))).toEqual({ text: 'TOXIC', unread: 0 });
  });

  it('every shape it understands is read whole: the same text as defaultText, nothing unread', () => {
    const outputs = [
      'plain',
      { object: 'response', output_text: 'joined' },
      { choices: [{ message: { content: 'chat' } }] },
      { type: 'message', content: [{ type: 'text', text: 'anthropic' }] },
      { text: 'vercel' },
      { data: [{ reply: 'unknown shape' }, ['a', ['b', { c: 'd' }]]] },
      42,
      null,
    ];
    for (const output of outputs) expect(extractText(output)).toEqual({ text: defaultText(output), unread: 0 });
  });

  it('strings are read in document order; an object reached twice (shared or cyclic) is read once', () => {
    const shared = { s: 'shared' };
    const cyclic: Record<string, unknown> = { a: 'x', shared, list: [shared, 'y'] };
    cyclic.self = cyclic;
    expect(extractText(cyclic)).toEqual({ text: 'x\nshared\ny', unread: 0 });
  });

  it(`past ${TEXT_VALUE_LIMIT} values, what is left is counted as unread, never skipped silently`, () => {
    const big = Array.from({ length: TEXT_VALUE_LIMIT + 500 }, (_, i) => `s${i}`);
    const { text, unread } = extractText({ big });
    expect(unread).toBe(501); // the last 500 and the one the limit stopped at
    expect(text.startsWith('s0\ns1\n')).toBe(true);
    expect(text).not.toContain(`s${TEXT_VALUE_LIMIT + 499}`);
    // defaultText() reads exactly as much and returns the text alone.
    expect(defaultText({ big })).toBe(text);
  });

  it('only values that can hold text count as unread: strings, objects and arrays, not numbers', () => {
    const numbers = Array.from({ length: TEXT_VALUE_LIMIT + 10 }, (_, i) => i);
    expect(extractText({ numbers })).toEqual({ text: '', unread: 0 });
    expect(extractText({ numbers, tail: ['TOXIC', { t: 'TOXIC' }, 7] }).unread).toBe(1);
    expect(extractText([...numbers, 'TOXIC', { t: 'TOXIC' }, 7]).unread).toBe(2);
  });

  it('byte arrays and buffers hold no text: read as empty, however large', () => {
    expect(extractText(new Uint8Array(4 * TEXT_VALUE_LIMIT))).toEqual({ text: '', unread: 0 });
    expect(extractText({ audio: Buffer.alloc(4 * TEXT_VALUE_LIMIT), transcript: 'said' })).toEqual({
      text: 'said',
      unread: 0,
    });
  });
});
