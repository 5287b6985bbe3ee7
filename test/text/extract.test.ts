import { describe, expect, it } from 'vitest';
import { defaultText } from '../../src/text/extract.js';

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
