import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type HotPathDetector } from '../../src/index.js';
import {
  ConfigError,
  createBreakers,
  formatIssue,
  isConfigError,
  loadConfig,
  parseConfig,
} from '../../src/entries/config.js';

const keywordRegistry = {
  keyword: {
    options: z.strictObject({ word: z.string(), block: z.boolean().default(false) }),
    create: (o: unknown): HotPathDetector => {
      const { word, block } = o as { word: string; block: boolean };
      return {
        name: 'keyword',
        detect: ({ text }) => ({
          detector: 'keyword',
          score: text.includes(word) ? 1 : 0,
          flagged: text.includes(word),
          blocked: block && text.includes(word),
        }),
      };
    },
  },
};

const config = (threshold: number, extra = '') =>
  parseConfig(
    `breakers:
  chat:
    detectors: { keyword: { word: bad } }
    trip: { policy: rate, threshold: ${threshold}, minimumCalls: 10, window: { kind: count, size: 10 } }
    recovery: { afterMs: 1000, probes: 1 }
    retry: false
    fallbacks: [mini]
${extra}`,
    'c.yaml',
    { detectors: keywordRegistry },
  );

describe('createBreakers', () => {
  it('binds model functions to the breakers and routes of the config', async () => {
    let now = 0;
    const set = createBreakers(
      config(0.5),
      {
        chat: { primary: async (q: string) => `primary: ${q}`, fallbacks: { mini: async (q: string) => `mini: ${q}` } },
      },
      { detectors: keywordRegistry, clock: () => now },
    );
    const chat = set.breakers.chat;
    expect(await chat('hi')).toBe('primary: hi');
    for (let i = 0; i < 10; i++) await chat('bad');
    expect(chat.state).toBe('open');
    expect(await chat('hi')).toBe('mini: hi');
    now += 1000;
    expect(await chat('hi')).toBe('primary: hi'); // the probe passes
    expect(chat.state).toBe('closed');
    set.dispose();
  });

  it('refuses a fallback the code does not bind, and a binding the config lacks', () => {
    expect(() =>
      createBreakers(config(0.5), { chat: { primary: async () => 'x' } }, { detectors: keywordRegistry }),
    ).toThrow(ConfigError);
    let error: unknown;
    try {
      createBreakers(
        config(0.5),
        {
          chat: { primary: async () => 'x', fallbacks: { big: async () => 'y' } },
          other: { primary: async () => 'z' },
        },
        { detectors: keywordRegistry, file: 'c.yaml' },
      );
    } catch (e) {
      error = e;
    }
    {
      expect((error as ConfigError).issues.map((i) => [i.path, i.expected])).toEqual([
        ['breakers.chat.fallbacks.0', 'a route bound in code: big'],
        ['breakers.other', 'a breaker for every binding in code'],
      ]);
    }
  });

  it('names the file loadConfig read, and the line of what the code does not bind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bind-'));
    const file = join(dir, 'breakers.yaml');
    writeFileSync(file, 'breakers:\n  chat:\n    detectors: {}\n    fallbacks: [mini]\n');
    const loaded = await loadConfig(file);
    const error: unknown = (() => {
      try {
        createBreakers(loaded, { chat: { primary: async () => 'x' }, other: { primary: async () => 'z' } });
      } catch (e) {
        return e;
      }
    })();
    expect(isConfigError(error)).toBe(true);
    expect((error as ConfigError).issues.map(formatIssue)).toEqual([
      `${file}:4:17 breakers.chat.fallbacks.0: fallback "mini" is not bound in code (expected a route bound in code (this binding has none), found "mini")`,
      // The file has no such breaker: no line to name.
      `${file} breakers.other: the code binds breaker "other" but the config has no such breaker (expected a breaker for every binding in code, found nothing)`,
    ]);
    // A file named in code wins.
    expect(() => createBreakers(loaded, { chat: { primary: async () => 'x' } }, { file: 'named.yaml' })).toThrow(
      /^named\.yaml:4:17 breakers\.chat\.fallbacks\.0:/,
    );
  });

  it('applies a new threshold to the live breaker, keeping its state', async () => {
    const set = createBreakers(
      config(0.5),
      { chat: { primary: async (q: string) => q, fallbacks: { mini: async () => 'mini' } } },
      { detectors: keywordRegistry },
    );
    const chat = set.breakers.chat;
    for (let i = 0; i < 4; i++) await chat('bad');
    set.apply(config(0.3));
    expect(chat.stats().policies[0]).toMatchObject({ threshold: 0.3 });
    for (let i = 0; i < 6; i++) await chat('fine');
    expect(chat.state).toBe('closed'); // the changed policy starts with an empty window: 0 of 6 bad
    set.apply(config(0.3, '    timeoutMs: 5000\n'));
    // Unchanged policy spec: the window survives the reload.
    expect(chat.stats().policies[0]).toMatchObject({ calls: 6 });
    set.dispose();
  });

  it('applies nothing when any breaker of the new config is invalid', async () => {
    const two = (t: number, fallback: string) =>
      parseConfig(`breakers:
  a: { trip: { policy: rate, threshold: ${t} } }
  b: { trip: { policy: rate, threshold: ${t} }, fallbacks: [${fallback}] }
`);
    const set = createBreakers(two(0.5, 'mini'), {
      a: { primary: async () => 'a' },
      b: { primary: async () => 'b', fallbacks: { mini: async () => 'm' } },
    });
    expect(() => set.apply(two(0.2, 'nope'))).toThrow(/fallback "nope" is not bound in code/);
    expect(set.breakers.a.stats().policies[0]).toMatchObject({ threshold: 0.5 });
    expect(set.breakers.b.stats().policies[0]).toMatchObject({ threshold: 0.5 });
    set.apply(two(0.2, 'mini'));
    expect(set.breakers.a.stats().policies[0]).toMatchObject({ threshold: 0.2 });
    set.dispose();
  });

  it('lets a call in flight finish under the config it started with, counted once', async () => {
    const set = createBreakers(
      config(0.5),
      { chat: { primary: (q: string) => gate.then(() => q), fallbacks: { mini: async () => 'mini' } } },
      { detectors: keywordRegistry },
    );
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const chat = set.breakers.chat;
    const inFlight = chat('bad word');
    // The new config blocks "bad" outputs; the call in flight started before it.
    set.apply(
      parseConfig(
        `breakers:\n  chat:\n    detectors: { keyword: { word: bad, block: true } }\n    trip: { policy: rate, threshold: 0.5, minimumCalls: 10, window: { kind: count, size: 10 } }\n    fallbacks: [mini]\n`,
        'c.yaml',
        { detectors: keywordRegistry },
      ),
    );
    open();
    expect(await inFlight).toBe('bad word');
    expect(await chat('bad word')).toBe('mini');
    const stats = chat.stats();
    expect(stats.calls.total).toBe(2);
    expect(stats.policies[0]!.calls).toBe(2); // same policy spec: one window, each call counted once
    set.dispose();
  });

  it('rejects options reconfigure() cannot change, changing nothing', async () => {
    const set = createBreakers(
      config(0.5),
      { chat: { primary: async (q: string) => q, fallbacks: { mini: async () => 'm' } } },
      { detectors: keywordRegistry },
    );
    expect(() => set.breakers.chat.reconfigure({ name: 'other' } as never)).toThrow(/"name" cannot change at run time/);
    expect(() => set.breakers.chat.reconfigure({ budgetMs: -1 })).toThrow(/budgetMs/);
    expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: 0.5 });
    set.dispose();
  });
});
