import { describe, expect, it } from 'vitest';
import { guard, type Signal } from '../../src/index.js';
import { TEXT_VALUE_LIMIT } from '../../src/text/extract.js';
import { capturingLogger } from '../integrations/helpers.js';
import { marker } from './helpers.js';

const base = { retry: false as const, timeoutMs: 0 };

/** `value` nested `depth` levels deep in plain objects. */
const nested = (value: unknown, depth: number): unknown => {
  let out = value;
  for (let i = 0; i < depth; i++) out = { d: out, n: i };
  return out;
};

describe('the default text extractor on the call path', () => {
  it.each([1, 8, 9, 12, 1_000])('a toxic string %i levels deep in a plain object is blocked', async (depth) => {
    const g = guard(async () => nested('TOXIC', depth), {
      ...base,
      name: 'deep',
      detectors: [marker()],
      safeReply: 'safe',
    });
    expect(await g()).toBe('safe');
    expect(g.stats().calls.blocked).toBe(1);
  });

  it('an output too large to read whole: a text signal says how much went unread, and the log warns once per guard', async () => {
    const { logger, records } = capturingLogger();
    const big = Array.from({ length: TEXT_VALUE_LIMIT + 99 }, (_, i) => `line ${i}`);
    const signals: Signal[][] = [];
    const g = guard(async () => ({ big }), { ...base, name: 'wide', detectors: [marker()], logger });
    g.on('outcome', (o) => signals.push([...o.signals]));
    await g();
    await g();
    const other = guard(async () => ({ big }), { ...base, name: 'wide-2', detectors: [marker()], logger });
    await other();

    // The output is served (nothing flagged it), and each call carries the report.
    expect(signals).toHaveLength(2);
    for (const s of signals) {
      const text = s.find((x) => x.detector === 'text');
      expect(text).toMatchObject({ detector: 'text', score: 0, flagged: false });
      expect(text?.reason).toMatch(/^100 strings or objects in the output were not read/);
    }
    const warnings = records.filter((r) => r.unread !== undefined);
    expect(warnings.map((w) => [w.breaker, w.unread, w.level])).toEqual([
      ['wide', 100, 40],
      ['wide-2', 100, 40],
    ]);
    expect(String(warnings[0]!.msg)).toMatch(/text\(output\)/);
    // No content in the log.
    expect(JSON.stringify(records)).not.toContain('line 1');
  });

  it('an output read whole carries no text signal and logs nothing', async () => {
    const { logger, records } = capturingLogger();
    const signals: Signal[][] = [];
    const g = guard(async () => ({ data: [{ reply: 'fine' }] }), {
      ...base,
      name: 'whole',
      detectors: [marker()],
      logger,
    });
    g.on('outcome', (o) => signals.push([...o.signals]));
    await g();
    expect(signals).toEqual([[{ detector: 'marker', score: 0, flagged: false }]]);
    expect(records).toEqual([]);
  });

  it("an app's own text() is trusted: no report", async () => {
    const big = Array.from({ length: TEXT_VALUE_LIMIT + 99 }, (_, i) => `line ${i}`);
    const signals: Signal[][] = [];
    const g = guard(async () => ({ big }), {
      ...base,
      name: 'own',
      detectors: [marker()],
      text: (o) => o.big.slice(0, 3).join(' '),
    });
    g.on('outcome', (o) => signals.push([...o.signals]));
    await g();
    expect(signals[0]!.map((s) => s.detector)).toEqual(['marker']);
  });
});
