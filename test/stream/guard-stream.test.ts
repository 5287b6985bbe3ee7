/** Streamed answers of every shape guard() reads, and how a streamed answer is counted. */
import { describe, expect, it } from 'vitest';
import { guard, latency, type DetectorInput, type GuardEvents, type HotPathDetector } from '../../src/index.js';
import { toxicity } from '../../src/detectors/toxicity/index.js';
import { marker, virtualClock } from '../guard/helpers.js';

const detectors = [toxicity()];
const TOXIC = 'Here is the plan for today. You are a worthless idiot and I hate you. Then we ship it.';
const BENIGN = 'Here is the plan for today. We write the tests first. Then we ship it.';

async function* pieces(text: string, size: number, finished?: { done: boolean }) {
  try {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  } finally {
    if (finished) finished.done = true;
  }
}

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const c of stream) out += c;
  return out;
}

describe('stream shapes', () => {
  it('a web ReadableStream comes back as a ReadableStream; a cut ends it with the safe message', async () => {
    const toStream = (text: string) => ReadableStream.from(pieces(text, 5));
    const g = guard(async (text: string) => toStream(text), { name: 'web', detectors, stream: { message: '[cut]' } });
    const benign = await g(BENIGN);
    expect(benign).toBeInstanceOf(ReadableStream);
    expect(await collect(benign)).toBe(BENIGN);
    const cut = await collect(await g(TOXIC));
    expect(cut.endsWith('[cut]')).toBe(true);
    expect(cut).not.toContain('worthless');
  });

  it('concurrent next() calls get the chunks in order, each once', async () => {
    const g = guard(async (t: string) => pieces(t, 3), { name: 'concurrent', detectors, stream: { holdBack: 8 } });
    const it = (await g(BENIGN)) as AsyncIterableIterator<string>;
    const results = await Promise.all(Array.from({ length: 40 }, () => it.next()));
    expect(
      results
        .filter((r) => !r.done)
        .map((r) => r.value as string)
        .join(''),
    ).toBe(BENIGN);
  });

  it('bytes (a fetch body) are decoded across chunk boundaries, and the closing chunk is bytes too', async () => {
    const encoded = new TextEncoder().encode(
      `Ünïcödé first, then a friendly sentence that runs on for a while. ${TOXIC}`,
    );
    const g = guard(
      async () =>
        new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < encoded.length; i += 3) c.enqueue(encoded.slice(i, i + 3));
            c.close();
          },
        }),
      { name: 'bytes', detectors, stream: { message: '[cut]' } },
    );
    const text = await new Response(await g()).text();
    expect(text.startsWith('Ünïcödé')).toBe(true);
    expect(text.endsWith('[cut]')).toBe(true);
    expect(text).not.toContain('idiot');
  });

  it('OpenAI Responses events: text deltas are read, a cut closes with a text delta of the safe message', async () => {
    async function* events(text: string) {
      yield { type: 'response.created', sequence_number: 0, response: {} };
      let n = 1;
      for (let i = 0; i < text.length; i += 7)
        yield {
          type: 'response.output_text.delta',
          item_id: 'msg_1',
          output_index: 0,
          content_index: 0,
          delta: text.slice(i, i + 7),
          sequence_number: n++,
        };
      yield { type: 'response.completed', sequence_number: n, response: {} };
    }
    const g = guard(async (text: string) => events(text), {
      name: 'responses',
      detectors,
      stream: { message: '[cut]' },
    });
    let shown = '';
    const types: string[] = [];
    for await (const e of await g(TOXIC)) {
      types.push(e.type);
      if (e.type === 'response.output_text.delta') shown += e.delta;
    }
    expect(shown.endsWith('[cut]')).toBe(true);
    expect(shown).not.toContain('idiot');
    expect(types).not.toContain('response.completed');
  });

  it('a chunk the guard cannot read is an error that says so, and the model is stopped', async () => {
    const finished = { done: false };
    async function* odd() {
      try {
        yield { weird: 'shape' };
      } finally {
        finished.done = true;
      }
    }
    const g = guard(async () => odd(), { name: 'odd', detectors });
    await expect(collect((await g()) as AsyncIterable<never>)).rejects.toThrow(/stream\.text\(chunk\)/);
    expect(finished.done).toBe(true);
    // With stream.text, the same chunks are read.
    const read = guard(async () => odd(), { name: 'odd2', detectors, stream: { text: (c) => c.weird } });
    const got: unknown[] = [];
    for await (const c of await read()) got.push(c);
    expect(got).toEqual([{ weird: 'shape' }]);
  });

  it('an AI SDK streamText() result is refused with a pointer to the middleware', async () => {
    const result = { textStream: pieces('hi', 1), fullStream: pieces('hi', 1) };
    const g = guard(async () => result, { name: 'ai', detectors });
    await expect(g()).rejects.toThrow(/safety-breaker\/ai-sdk/);
  });
});

describe('a cut', () => {
  it("with onCut 'end' (no fallback used): the primary's iterator is returned and the iteration ends normally", async () => {
    const finished = { done: false };
    const fallback = async (text: string) => pieces(`fallback ${text}`, 4);
    const g = guard(async (text: string) => pieces(text, 3, finished), {
      name: 'end',
      detectors,
      fallbacks: [fallback],
      stream: { onCut: 'end', message: '' },
    });
    const out = await collect(await g(TOXIC));
    expect(out).toBe(TOXIC.slice(0, out.length));
    expect(out).not.toContain('worthless');
    expect(finished.done).toBe(true);
  });

  it('a provider error part-way continues on the fallback; with none left the client gets the error', async () => {
    async function* breaks(text: string) {
      yield text.slice(0, 30);
      throw new Error('connection reset');
    }
    const g = guard(async (text: string) => breaks(text), {
      name: 'broken',
      detectors,
      fallbacks: [async () => pieces('Fallback answer.', 4)],
      stream: { holdBack: 0, continueWith: () => ['continue'] },
    });
    const out = await collect(await g(BENIGN));
    expect(out).toBe(`${BENIGN.slice(0, 30)}Fallback answer.`);
    expect(g.stats().calls).toMatchObject({ failed: 1, servedByFallback: 1 });
    const alone = guard(async (text: string) => breaks(text), { name: 'alone', detectors });
    await expect(collect(await alone(BENIGN))).rejects.toThrow('connection reset');
  });

  it('a stream that stalls longer than timeoutMs between chunks times out and the fallback continues it', async () => {
    async function* stalls(text: string) {
      yield text.slice(0, 20);
      await new Promise(() => undefined); // the model never sends another chunk
    }
    const g = guard(async (t: string) => stalls(t), {
      name: 'stall',
      detectors,
      timeoutMs: 50,
      fallbacks: [async () => pieces(' and the rest.', 4)],
      stream: { holdBack: 0 },
    });
    const outcomes: string[] = [];
    g.on('outcome', (e) => outcomes.push(`${e.route}:${e.outcome}`));
    expect(await collect(await g(BENIGN))).toBe(`${BENIGN.slice(0, 20)} and the rest.`);
    expect(outcomes).toContain('primary:timeout');
    expect(g.stats().calls).toMatchObject({ failed: 1, servedByFallback: 1 });
  });

  it('a detector without stream() judges the whole text at the end: the held-back tail is never shown', async () => {
    const text = `${'A calm sentence. '.repeat(6)}Now TOXIC.`;
    const g = guard(async (t: string) => pieces(t, 4), {
      name: 'end-only',
      detectors: [marker()],
      stream: { holdBack: 32, message: '[cut]' },
    });
    const out = await collect(await g(text));
    expect(out.endsWith('[cut]')).toBe(true);
    expect(out).not.toContain('TOXIC');
    expect(out.length - '[cut]'.length).toBeGreaterThanOrEqual(text.length - 32 - 4); // all but the hold-back was shown
  });

  it('shadow mode: nothing is cut, the block is counted', async () => {
    const g = guard(async (t: string) => pieces(t, 5), { name: 'shadow', detectors, mode: 'shadow' });
    expect(await collect(await g(TOXIC))).toBe(TOXIC);
    expect(g.stats().calls.blocked).toBe(1);
  });
});

describe('the answer so far a fallback continues', () => {
  /** A guard whose primary streams `text` in 4-character chunks (cut at its end when it contains TOXIC) and whose fallback records what it was given. */
  function continued(stream: { continueChars?: number; holdBack?: number } = {}) {
    const given: string[] = [];
    const g = guard(async (t: string) => pieces(t, 4), {
      name: 'tail',
      detectors: [marker()],
      fallbacks: [async () => pieces('<fallback>', 5)],
      stream: { ...stream, continueWith: (args, sent) => (given.push(sent), args) },
    });
    const run = async (text: string): Promise<{ shown: string; sent: string }> => {
      const out = await collect(await g(text));
      expect(out.endsWith('<fallback>')).toBe(true);
      return { shown: out.slice(0, -'<fallback>'.length), sent: given.at(-1)! };
    };
    return { g, run };
  }

  it('is the last continueChars characters the client saw (8 192 by default), and reconfigure() changes it', async () => {
    const { g, run } = continued();
    const long = await run(`${'A calm sentence. '.repeat(1000)}Now TOXIC.`);
    expect(long.shown.length).toBeGreaterThan(16_000);
    expect(long.sent).toBe(long.shown.slice(-8192));
    const short = await run(`${'A calm sentence. '.repeat(10)}Now TOXIC.`);
    expect(short.sent).toBe(short.shown); // shorter than continueChars: all of it
    g.reconfigure({ stream: { continueChars: 100 } });
    const capped = await run(`${'A calm sentence. '.repeat(50)}Now TOXIC.`);
    expect(capped.sent).toBe(capped.shown.slice(-100));
    g.reconfigure({ stream: { continueChars: 0 } });
    expect((await run(`${'A calm sentence. '.repeat(50)}Now TOXIC.`)).sent).toBe('');
  });

  it('never starts with half a surrogate pair', async () => {
    const { run } = continued({ continueChars: 5 }); // odd: the last 5 code units start inside an emoji
    const { shown, sent } = await run(`${'😀'.repeat(60)}TOXIC`);
    expect(shown.length % 2).toBe(0);
    expect(sent).toBe('😀😀');
  });

  it('an open stream keeps at most twice continueChars of the text shown, however long the answer', async () => {
    const g = guard(async (t: string) => pieces(t, 7), {
      name: 'bounded',
      detectors,
      fallbacks: [async () => pieces('<fallback>', 5)],
      stream: { continueChars: 1000 },
    });
    const it = (await g(BENIGN.repeat(500))) as AsyncIterableIterator<string>;
    let out = '';
    for (let r = await it.next(); !r.done; r = await it.next()) {
      out += r.value;
      const kept = (it as unknown as { sent: string }).sent; // what the guard holds for a fallback
      expect(kept.length).toBeLessThanOrEqual(2000);
      expect(kept.length).toBeGreaterThanOrEqual(Math.min(out.length, 1000));
    }
    expect(out).toBe(BENIGN.repeat(500));
    expect(out.endsWith((it as unknown as { sent: string }).sent)).toBe(true);
  });

  it('keeps no copy of the whole answer for latency(), but does for a detector that reads the text at the end', async () => {
    const kept = async (extra: HotPathDetector) => {
      const g = guard(async (t: string) => pieces(t, 7), { name: 'whole', detectors: [...detectors, extra] });
      const it = (await g(BENIGN.repeat(20))) as AsyncIterableIterator<string>;
      await it.next();
      const full = (it as unknown as { full: string[] | undefined }).full;
      for (let r = await it.next(); !r.done; r = await it.next());
      return full;
    };
    expect(await kept(latency({ slowMs: 10_000 }))).toBeUndefined();
    const reader: HotPathDetector = {
      name: 'reader',
      detect: () => ({ detector: 'reader', score: 0, flagged: false }),
    };
    expect(await kept(reader)).toBeInstanceOf(Array);
  });
});

describe('accounting', () => {
  it('one streamed answer is one call, counted at its end with time to first token and total time', async () => {
    const clock = virtualClock();
    const seen: DetectorInput[] = [];
    const spy: HotPathDetector = {
      name: 'spy',
      detect: (input) => {
        seen.push(input);
        return { detector: 'spy', score: 0, flagged: false };
      },
    };
    async function* slow(text: string) {
      clock.advance(100); // time to first token
      yield text.slice(0, 10);
      clock.advance(400);
      yield text.slice(10);
    }
    const g = guard(async (t: string) => slow(t), { name: 'acct', detectors: [spy], clock: clock.now });
    const stream = await g(BENIGN);
    expect(g.stats().policies[0]!.calls).toBe(0); // not counted until it ends
    expect(await collect(stream)).toBe(BENIGN);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ text: BENIGN, firstTokenMs: 100, latencyMs: 500, route: 'primary' });
    expect(g.stats().policies[0]!.calls).toBe(1);
    expect(g.stats().calls).toMatchObject({ total: 1, servedByPrimary: 1 });
  });

  it('who served a streamed call is counted once, when it is over', async () => {
    const g = guard(async (t: string) => pieces(t, 6), {
      name: 'served',
      detectors,
      fallbacks: [async (t: string) => pieces(t, 6)],
      stream: { holdBack: 0 },
    });
    await collect(await g(BENIGN));
    g.forceOpen('drill');
    // The fallback serves while the primary is open; its answer is cut and nothing is left: the safe message.
    await collect(await g(TOXIC));
    expect(g.stats().calls).toMatchObject({
      total: 2,
      servedByPrimary: 1,
      servedByFallback: 0,
      servedBySafeReply: 1,
      exhausted: 1,
      blocked: 1,
    });
  });

  it('latency() judges a streamed answer by its time to first token, not its length', async () => {
    const clock = virtualClock();
    async function* model(firstMs: number) {
      clock.advance(firstMs);
      yield 'A long answer, ';
      clock.advance(30_000); // streaming a long answer takes a while
      yield 'the end.';
    }
    const outcomes: GuardEvents['outcome'][] = [];
    const g = guard(async (firstMs: number) => model(firstMs), {
      name: 'ttft',
      detectors: [latency({ slowMs: 2_000 })],
      clock: clock.now,
    });
    g.on('outcome', (e) => outcomes.push(e));
    await collect(await g(300));
    await collect(await g(5_000));
    expect(outcomes.map((o) => o.signals[0]!.flagged)).toEqual([false, true]);
    expect(outcomes[1]!.signals[0]!.reason).toBe('first token after 5000 ms (slow at 2000 ms)');
  });

  it('latency policies see a stream by its time to first token: long answers do not trip slow-call-rate', async () => {
    const clock = virtualClock();
    async function* model(firstMs: number) {
      clock.advance(firstMs);
      yield 'A long answer, ';
      clock.advance(30_000);
      yield 'the end.';
    }
    const g = guard(async (firstMs: number) => model(firstMs), {
      name: 'slow-calls',
      detectors: [],
      clock: clock.now,
      trip: { policy: 'slow-call-rate', slowCallMs: 2_000, threshold: 0.5, minimumCalls: 3 },
    });
    for (let i = 0; i < 5; i++) await collect(await g(100));
    expect(g.state).toBe('closed');
    for (let i = 0; i < 5; i++) await collect(await g(5_000));
    expect(g.state).toBe('open');
  });

  it('a trip mid-stream sends the next calls to the fallback', async () => {
    const g = guard(async (t: string) => pieces(t, 6), {
      name: 'trip',
      detectors,
      trip: { policy: 'rate', threshold: 0.5, minimumCalls: 1 },
      fallbacks: [async () => pieces('Backup answer.', 4)],
    });
    const first = await collect(await g(TOXIC));
    expect(first).not.toContain('worthless');
    expect(g.state).toBe('open');
    expect(await collect(await g(BENIGN))).toBe('Backup answer.');
  });
});

describe('reconfigure()', () => {
  it('changes the stream options of streams that start after it; a stream already open keeps its own', async () => {
    const g = guard(async (t: string) => pieces(t, 3), {
      name: 'reconf',
      detectors,
      fallbacks: [async () => pieces(' FALLBACK.', 4)],
      stream: { onCut: 'end', message: '[a]' },
    });
    const open = await g(TOXIC);
    g.reconfigure({ stream: { message: '[b]' } });
    expect(await collect(open)).toMatch(/\[a\]$/);
    // Only the message changed: onCut 'end' still holds, so the fallback does not continue.
    const after = await collect(await g(TOXIC));
    expect(after).toMatch(/\[b\]$/);
    expect(after).not.toContain('FALLBACK');
    g.reconfigure({ stream: { onCut: 'fallback' } });
    const continued = await collect(await g(TOXIC));
    expect(continued).toMatch(/ FALLBACK\.$/);
    expect(continued).not.toContain('worthless');
  });

  it('a new hold-back applies to the next stream: the client gets its first chunk that much sooner', async () => {
    let pulled = 0;
    async function* counted(text: string) {
      for (let i = 0; i < text.length; i += 3) {
        pulled++;
        yield text.slice(i, i + 3);
      }
    }
    const g = guard(async (t: string) => counted(t), { name: 'hold', detectors });
    const pulledBeforeFirst = async (): Promise<number> => {
      pulled = 0;
      const it = (await g(BENIGN)) as AsyncIterableIterator<string>;
      await it.next();
      const n = pulled;
      await it.return!();
      return n;
    };
    // The first 3 characters go out once the 64 after them (the default hold-back) were read: 23 chunks.
    expect(await pulledBeforeFirst()).toBe(Math.ceil((3 + 64) / 3));
    g.reconfigure({ stream: { holdBack: 0 } });
    expect(await pulledBeforeFirst()).toBe(1);
  });

  it('a bad stream option is refused with a TypeError naming it, and nothing changes', async () => {
    const g = guard(async (t: string) => pieces(t, 3), { name: 'bad', detectors, stream: { message: '[kept]' } });
    expect(() => g.reconfigure({ stream: { holdBack: -1 } })).toThrow(/reconfigure\(\).*"stream\.holdBack"/);
    expect(() => g.reconfigure({ stream: 5 as never })).toThrow(/reconfigure\(\).*"stream"/);
    expect(() => g.reconfigure({ stream: { continueChars: 1.5 } })).toThrow(/"stream\.continueChars".*integer/);
    expect(() => guard(async () => pieces('', 1), { name: 'bad', stream: { continueChars: -1 } })).toThrow(
      /"stream\.continueChars"/,
    );
    expect(await collect(await g(TOXIC))).toMatch(/\[kept\]$/);
  });
});
