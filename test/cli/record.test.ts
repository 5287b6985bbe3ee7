import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guard, runWithContext, TimeoutError } from '../../src/index.js';
import { createRecorder, parseTrafficLine, TrafficLineError } from '../../src/entries/traffic.js';

describe('traffic recorder', () => {
  it('writes one parseable line per call, redacting personal data by default', () => {
    const lines: string[] = [];
    const recorder = createRecorder({
      to: (l) => void lines.push(l),
      contextKeys: ['group', 'email'],
      clock: () => 5_000,
    });
    recorder.record({
      breaker: 'chat',
      text: 'Mail jane@example.com or call +1 415 555 2671.',
      latencyMs: 800,
      context: { group: 'b', email: 'x@y.org', userId: 'u-1' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const line = parseTrafficLine(lines[0]!.trimEnd(), 1);
    expect(line).toEqual({
      t: 4_200,
      breaker: 'chat',
      text: 'Mail [REDACTED_EMAIL] or call [REDACTED_PHONE].',
      latencyMs: 800,
      context: { group: 'b', email: '[REDACTED_EMAIL]' },
    });
  });

  it('samples', () => {
    const lines: string[] = [];
    let i = 0;
    const recorder = createRecorder({
      to: (l) => void lines.push(l),
      sampleRate: 0.25,
      random: () => [0.1, 0.5, 0.9, 0.2][i++ % 4]!,
    });
    for (let k = 0; k < 8; k++) recorder.record({ breaker: 'chat', text: 'x', latencyMs: 1 });
    expect(lines).toHaveLength(4);
    expect(recorder.stats).toEqual({ written: 4, sampledOut: 4, dropped: 0 });
    expect(() => createRecorder({ to: () => undefined, sampleRate: 2 })).toThrow(/"sampleRate" must be in \[0, 1\]/);
  });

  it('wraps a guard’s primary: outputs, errors and timeouts, with the call’s own timing', async () => {
    let now = 1_000;
    const lines: string[] = [];
    const recorder = createRecorder({ to: (l) => void lines.push(l), clock: () => now });
    let n = 0;
    const model = async (q: string) => {
      now += 250;
      n++;
      if (n === 2) throw Object.assign(new Error('overloaded'), { status: 529 });
      if (n === 3) throw new TimeoutError('chat', 'primary', 100);
      return { choices: [{ message: { content: `re: ${q}` } }] };
    };
    const chat = guard(recorder.wrap('chat', model), {
      name: 'chat',
      detectors: [],
      retry: false,
      safeReply: { choices: [] },
    });
    await chat('a');
    await chat('b');
    await chat('c');
    expect(lines.map((l) => parseTrafficLine(l.trimEnd(), 1))).toEqual([
      { t: 1_000, breaker: 'chat', text: 're: a', latencyMs: 250 },
      { t: 1_250, breaker: 'chat', error: { message: 'overloaded', status: 529 }, latencyMs: 250 },
      { t: 1_500, breaker: 'chat', error: 'timeout', latencyMs: 250 },
    ]);
  });

  it('records the request context and its own context(...args), filtered by contextKeys, plain values only', async () => {
    const lines: string[] = [];
    const recorder = createRecorder({
      to: (l) => void lines.push(l),
      contextKeys: ['group', 'tenant', 'profile', 'requestText'],
      clock: () => 0,
    });
    const chat = guard(
      recorder.wrap('chat', async (q: string) => `re: ${q}`, { context: (q) => ({ tenant: q.length }) }),
      { name: 'chat', detectors: [], retry: false },
    );
    await runWithContext({ group: 'b', requestId: 'r-1', profile: { email: 'x@y.org' } }, () => chat('hello'));
    await chat('hi');
    expect(lines.map((l) => parseTrafficLine(l.trimEnd(), 1).context)).toEqual([
      { group: 'b', tenant: 5 },
      { tenant: 2 },
    ]);
  });

  it("records the context a call carries through with({ context }) and the guard's context(...args)", async () => {
    const lines: string[] = [];
    const recorder = createRecorder({
      to: (l) => void lines.push(l),
      contextKeys: ['group', 'locale'],
      clock: () => 0,
    });
    const chat = guard(
      recorder.wrap('chat', async (q: string) => `re: ${q}`),
      { name: 'chat', detectors: [], retry: false, context: () => ({ locale: 'fr' }) },
    );
    await chat.with({ context: { group: 'a' } })('hello');
    await runWithContext({ group: 'b' }, () => chat.with({ context: { group: 'c' } })('hi'));
    expect(lines.map((l) => parseTrafficLine(l.trimEnd(), 1).context)).toEqual([
      { group: 'a', locale: 'fr' },
      { group: 'c', locale: 'fr' },
    ]);
  });

  it('appends to a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-rec-')), 'traffic.jsonl');
    const recorder = createRecorder({ to: file });
    recorder.record({ breaker: 'chat', text: 'one', latencyMs: 3, t: 1 });
    recorder.record({ breaker: 'chat', text: 'two', latencyMs: 4, t: 2 });
    await recorder.close();
    expect(readFileSync(file, 'utf8')).toBe(
      '{"t":1,"breaker":"chat","text":"one","latencyMs":3}\n{"t":2,"breaker":"chat","text":"two","latencyMs":4}\n',
    );
  });
});

describe('traffic line format', () => {
  it('accepts ISO times, text references, labels and fallback results', () => {
    expect(
      parseTrafficLine(
        '{"t":"2026-01-01T00:00:00Z","breaker":"chat","textRef":"s3://b/k","latencyMs":5,"label":"unsafe","fallbacks":{"mini":{"text":"ok"}}}',
        1,
      ),
    ).toMatchObject({ t: Date.UTC(2026, 0, 1), textRef: 's3://b/k', label: 'unsafe' });
  });

  it.each([
    ['[1,2]', 'expected a JSON object'],
    ['{"breaker":"chat","latencyMs":1,"text":"x"}', '"t" must be epoch milliseconds or an ISO 8601 time (got nothing)'],
    [
      '{"t":"yesterday","breaker":"chat","latencyMs":1,"text":"x"}',
      '"t" must be epoch milliseconds or an ISO 8601 time (got "yesterday")',
    ],
    ['{"t":1,"latencyMs":1,"text":"x"}', '"breaker" must be a non-empty string (got nothing)'],
    ['{"t":1,"breaker":"chat","latencyMs":-1,"text":"x"}', '"latencyMs" must be a number >= 0 (got -1)'],
    ['{"t":1,"breaker":"chat","latencyMs":1}', 'needs "text", "textRef" or "error"'],
    [
      '{"t":1,"breaker":"chat","latencyMs":1,"error":"boom"}',
      '"error" must be "timeout" or an object { message, status, code } (got "boom")',
    ],
    [
      '{"t":1,"breaker":"chat","latencyMs":1,"text":"x","label":"bad"}',
      '"label" must be "unsafe" or "safe" (got "bad")',
    ],
  ])('rejects %s with its line number', (text, reason) => {
    let error: unknown;
    try {
      parseTrafficLine(text, 42);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrafficLineError);
    expect((error as TrafficLineError).message).toBe(`line 42: ${reason}`);
  });
});

describe('traffic recorder under back-pressure', () => {
  it('drops (and counts) lines a stuck stream cannot take, never throwing on the app path', async () => {
    const { Writable } = await import('node:stream');
    const stuck = new Writable({ highWaterMark: 1, write: () => undefined }); // never calls back
    const recorder = createRecorder({ to: stuck, maxPending: 2 });
    for (let i = 0; i < 20; i++) recorder.record({ breaker: 'chat', text: 'x'.repeat(200), latencyMs: 1 });
    expect(recorder.stats.written).toBeGreaterThan(0);
    expect(recorder.stats.dropped).toBeGreaterThan(0);
    expect(recorder.stats.written + recorder.stats.dropped).toBe(20);
    stuck.destroy();
  });
});
