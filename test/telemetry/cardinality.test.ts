import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { guard, type AsyncDetector, type Detector, type HotPathDetector } from '../../src/index.js';
import { flush, marker } from '../guard/helpers.js';

/** Every sample line of a scrape (histogram buckets included): what Prometheus would store as series. */
async function series(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

const random = (): string => Math.random().toString(36).slice(2);

/** An async detector whose signals carry a name it makes up on every output; every ten outputs cover pass, flag and block. */
const inventive = (name: string): AsyncDetector => {
  let n = 0;
  return {
    name,
    kind: 'async',
    detect: async () => {
      const score = (n++ % 10) / 10 + 0.05;
      return { detector: `made-up-${random()}`, score, flagged: score > 0.5, blocked: score > 0.9 };
    },
  };
};

async function settle(g: { stats(): { asyncQueue: { depth: number } } }): Promise<void> {
  while (g.stats().asyncQueue.depth > 0) await flush();
  await flush();
}

describe('metric labels come from configured names only', () => {
  it("1,000 outputs whose async signals name random detectors: series stay bounded, labelled by the detector's configured name", async () => {
    const registry = new Registry();
    const g = guard(async () => 'fine', {
      name: 'chat',
      registry,
      retry: false,
      detectors: [inventive('moderation')],
      trip: { policy: 'rate', threshold: 1, minimumCalls: 1_000_000 }, // half the outputs are flagged: never trip here
    });
    for (let i = 0; i < 10; i++) await g();
    await settle(g);
    const after10 = (await series(registry)).length;
    for (let i = 0; i < 1_000; i++) await g();
    await settle(g);
    const lines = await series(registry);
    expect(lines.length).toBe(after10);
    expect(lines.join('\n')).not.toContain('made-up-');
    const evaluations = lines.filter((l) => l.startsWith('safety_breaker_detector_evaluations_total{'));
    expect(evaluations.every((l) => l.includes('detector="moderation"'))).toBe(true);
    const total = evaluations.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect(total).toBe(1_010);
    g.dispose();
  });
});

describe('dispose() removes the breaker’s series', () => {
  it('2,000 guards created, used (calls, blocks, a trip, async and failing detectors, a scrape) and disposed leave the registry at its baseline', async () => {
    const registry = new Registry();
    // A guard that lives throughout: its series must survive the others' dispose().
    const keep = guard(async () => 'fine', { name: 'keep', registry, retry: false, detectors: [marker()] });
    await keep();
    const baseline = await series(registry);

    const broken: HotPathDetector = {
      name: 'broken',
      detect: () => {
        throw new Error('bug');
      },
    };
    for (let i = 0; i < 2_000; i++) {
      let toxic = false;
      const detectors: Detector[] = [marker(), broken, inventive('moderation')];
      const g = guard(async (): Promise<string> => (toxic ? 'TOXIC' : 'fine'), {
        name: `tmp-${i}`,
        registry,
        retry: false,
        timeoutMs: 0,
        detectors,
        fallbacks: [{ name: 'backup', run: async () => 'backup' }],
        trip: { policy: 'rate', threshold: 0.5, minimumCalls: 2 },
        budgetMs: 1e-9,
      });
      await g();
      toxic = true;
      await g();
      await g();
      await settle(g);
      await g(); // the breaker is open by now (or about to be): rejected, served by the backup
      if (i % 250 === 0) {
        expect(g.state).toBe('open');
        // A scrape while it lives sets its window gauges too.
        expect((await series(registry)).some((l) => l.includes(`breaker="tmp-${i}"`))).toBe(true);
      }
      g.dispose();
    }
    expect(await series(registry)).toEqual(baseline);
    await keep();
    expect((await series(registry)).filter((l) => l.includes('breaker="keep"')).length).toBeGreaterThan(0);
    keep.dispose();
    expect((await series(registry)).filter((l) => l.includes('breaker=')).length).toBe(0);
  });

  it('two guards with the same name on one registry share its series; they go when the last of them is disposed', async () => {
    const registry = new Registry();
    const a = guard(async () => 'a', { name: 'twin', registry, retry: false, detectors: [] });
    const b = guard(async () => 'b', { name: 'twin', registry, retry: false, detectors: [] });
    await a();
    await b();
    const calls = 'safety_breaker_calls_total{breaker="twin",route="primary",outcome="success"}';
    expect(await series(registry)).toContain(`${calls} 2`);

    a.dispose();
    await b();
    let lines = await series(registry);
    expect(lines).toContain(`${calls} 3`);
    expect(lines).toContain('safety_breaker_state{breaker="twin",state="closed"} 1');
    b.forceOpen('drill');
    expect(await series(registry)).toContain('safety_breaker_state{breaker="twin",state="forced-open"} 1');

    b.dispose();
    lines = await series(registry);
    expect(lines.filter((l) => l.includes('breaker="twin"'))).toEqual([]);
  });

  it('a guard whose options are refused leaves no series behind', () => {
    const registry = new Registry();
    expect(() =>
      guard(async () => 'x', { name: 'refused', registry, detectors: [marker('A', 'bad name'), marker()] }),
    ).toThrow(TypeError);
    expect(() =>
      guard(async () => 'x', { name: 'refused', registry, detectors: [marker('A', 'same'), marker('B', 'same')] }),
    ).toThrow(/two detectors are named "same"/);
    const backup = async (): Promise<string> => 'y';
    expect(() =>
      guard(async () => 'x', { name: 'refused', registry, detectors: [], fallbacks: [backup, backup] }),
    ).toThrow(/two routes are named "backup"/);
    return expect(series(registry)).resolves.toEqual([]);
  });
});

describe('detector names are validated like breaker names', () => {
  const fn = async (): Promise<string> => 'x';
  it.each([
    ['4,000 characters with newlines', `evil\n${'x'.repeat(3_995)}`],
    ['a space', 'has space'],
    ['a quote and a brace', 'a"}b'],
    ['101 characters', 'd'.repeat(101)],
    ['a non-ASCII letter', 'détecteur'],
  ])('a name with %s is a TypeError naming the detector', (_what, name) => {
    const detectors = [marker(), marker('TOXIC', name)];
    let error: unknown;
    try {
      guard(fn, { name: 'chat', detectors });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    const message = (error as TypeError).message;
    expect(message).toContain('option "detectors.1"');
    expect(message).toContain(JSON.stringify(name.slice(0, 40)).slice(0, -1)); // the name, escaped, cut at 40
    expect(message).toMatch(/letters, digits and _ \. : -/);
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(400);
  });

  it('names up to 100 characters of letters, digits and _ . : - are accepted, also by reconfigure()', () => {
    const ok = ['a', 'toxicity', 'moderation:v2', 'my_detector-1.0', 'd'.repeat(100)];
    const g = guard(fn, { name: 'chat', detectors: ok.map((n) => marker('TOXIC', n)) });
    expect(() => g.reconfigure({ detectors: [marker('TOXIC', 'bad name')] })).toThrow(
      /option "detectors\.0".*"bad name"/,
    );
    g.dispose();
  });
});
