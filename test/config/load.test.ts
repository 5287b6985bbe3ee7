import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  configJsonSchema,
  isConfigError,
  loadConfig,
  parseConfig,
  type ConfigIssue,
} from '../../src/entries/config.js';

function issuesOf(text: string, file = 'breakers.yaml', options?: Parameters<typeof parseConfig>[2]): ConfigIssue[] {
  try {
    parseConfig(text, file, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('config file', () => {
  it('reads a full YAML config with defaults filled in', () => {
    const config = parseConfig(`breakers:
  chat:
    detectors:
      toxicity:
        block: { threat: 0.7 }
      latency: { slowMs: 8000 }
    trip: [{ policy: wilson, threshold: 0.05 }, { policy: cusum, shift: 5 }]
    fallbacks: [mini]
`);
    const chat = config.breakers.chat!;
    expect(chat.mode).toBe('enforce');
    expect(chat.detectors?.toxicity).toEqual({ block: { threat: 0.7 } });
    expect(chat.detectors?.latency).toEqual({ slowMs: 8000 });
    // Trip specs come from the policy registry's own schema: its defaults and newer policies flow in.
    expect(chat.trip).toEqual([
      expect.objectContaining({ policy: 'wilson', threshold: 0.05, confidence: 0.95, minimumCalls: 20 }),
      expect.objectContaining({ policy: 'cusum', shift: 5 }),
    ]);
    expect(chat.fallbacks).toEqual(['mini']);
  });

  it('names file, line, column, path, expected and found for a wrong type', () => {
    const [issue, ...rest] = issuesOf(`breakers:
  chat:
    detectors:
      toxicity:
        block: high
`);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      file: 'breakers.yaml',
      line: 5,
      column: 16,
      path: 'breakers.chat.detectors.toxicity.block',
      expected: 'a mapping',
      found: '"high" (a string)',
    });
    expect(new ConfigError([issue!]).message).toBe(
      'breakers.yaml:5:16 breakers.chat.detectors.toxicity.block: wrong type (expected a mapping, found "high" (a string))',
    );
  });

  it('points at an unknown key and suggests the one meant', () => {
    const [issue] = issuesOf(`breakers:
  chat:
    detectors:
      toxicty: {}
`);
    expect(issue).toMatchObject({ line: 4, column: 7, path: 'breakers.chat.detectors.toxicty', found: '"toxicty"' });
    expect(issue!.expected).toContain('toxicity');
    expect(issue!.message).toContain('did you mean "toxicity"');
  });

  it('reports an unknown key inside a trip policy with the keys that policy takes', () => {
    const [issue] = issuesOf(`breakers:
  chat:
    trip: { policy: rate, treshold: 0.3 }
`);
    expect(issue).toMatchObject({ line: 3, column: 27, path: 'breakers.chat.trip.treshold' });
    expect(issue!.expected).toBe('one of policy, threshold, minimumCalls, window');
  });

  it('reads the cusum ceiling, and names it when it is out of range', () => {
    const config = parseConfig(`breakers:
  chat:
    trip: { policy: cusum, ceiling: 0.03 }
`);
    expect(config.breakers.chat!.trip).toMatchObject({ policy: 'cusum', ceiling: 0.03, warmupCalls: 50_000 });
    const [issue, ...rest] = issuesOf(`breakers:
  chat:
    trip: { policy: cusum, ceiling: 0.7 }
`);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      line: 3,
      column: 37,
      path: 'breakers.chat.trip.ceiling',
      expected: 'a number < 0.5',
    });
  });

  it('reports an unknown policy with the policies there are', () => {
    const [issue] = issuesOf(`breakers:
  chat:
    trip:
      - policy: rate
      - policy: ratee
`);
    expect(issue).toMatchObject({
      line: 5,
      column: 17,
      path: 'breakers.chat.trip.1.policy',
      found: '"ratee" (a string)',
    });
    expect(issue!.expected).toContain('"wilson"');
  });

  it('lists every problem, each with its own place', () => {
    const issues = issuesOf(`breakers:
  chat:
    mode: enforced
    recovery: { probes: 0 }
    detectors:
      toxicity: { block: { insult: 2 } }
`);
    expect(issues.map((i) => [i.path, i.line])).toEqual(
      expect.arrayContaining([
        ['breakers.chat.mode', 3],
        ['breakers.chat.recovery.probes', 4],
        ['breakers.chat.detectors.toxicity.block.insult', 6],
      ]),
    );
    expect(issues.find((i) => i.path.endsWith('probes'))!.expected).toBe('a number >= 1');
  });

  it('reports YAML syntax errors and duplicate keys with line and column', () => {
    expect(issuesOf('breakers:\n  chat: {\n')[0]).toMatchObject({ line: 3, expected: 'valid YAML or JSON' });
    expect(issuesOf('breakers:\n  chat:\n    timeoutMs: 1\n    timeoutMs: 2\n')[0]).toMatchObject({
      line: 4,
      column: 5,
      found: 'DUPLICATE_KEY',
    });
  });

  it('rejects a "billion laughs" file and an alias without an anchor as a ConfigError at the alias', async () => {
    // a: &a ["x", …], b: &b [*a, …], … g: &g [*f, …]: nine to the seventh strings from seven short lines.
    const levels = 'abcdefg';
    const laughs = [
      `a: &a [${Array(9).fill('"x"').join(',')}]`,
      ...[...levels].slice(1).map((l, i) => `${l}: &${l} [${Array(9).fill(`*${levels[i]}`).join(',')}]`),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
    const file = join(dir, 'laughs.yaml');
    writeFileSync(file, `${laughs.join('\n')}\nbreakers:\n  chat: {}\n`);
    const error: unknown = await loadConfig(file).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    // b expands 9 aliases, c 9 × 10: the first alias of d passes 100.
    expect((error as ConfigError).issues).toEqual([
      expect.objectContaining({ file, line: 4, column: 8, message: expect.stringMatching(/^too many aliases/) }),
    ]);
    expect(issuesOf('breakers:\n  chat: *chat\n')).toEqual([
      expect.objectContaining({ line: 2, column: 9, message: 'alias "*chat" has no anchor before it' }),
    ]);
    // Aliases within the limit read as before.
    expect(
      parseConfig('breakers:\n  chat: { recovery: { afterMs: &t 60000, capMs: *t } }\n').breakers.chat?.recovery,
    ).toEqual({ afterMs: 60000, capMs: 60000 });
  });

  it('reads JSON with positions too', () => {
    const [issue] = issuesOf('{\n  "breakers": {\n    "chat": { "fallbacks": "mini" }\n  }\n}', 'c.json');
    expect(issue).toMatchObject({
      file: 'c.json',
      line: 3,
      column: 28,
      path: 'breakers.chat.fallbacks',
      expected: 'a list',
    });
  });

  it('loads from a file and names the file in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(good, 'breakers:\n  chat:\n    detectors: { latency: { slowMs: 5000 } }\n');
    writeFileSync(bad, 'breakers:\n  chat:\n    timeoutMs: soon\n');
    expect((await loadConfig(good)).breakers.chat?.detectors?.latency).toEqual({ slowMs: 5000 });
    await expect(loadConfig(bad)).rejects.toThrow(
      `${bad}:3:16 breakers.chat.timeoutMs: wrong type (expected a number, found "soon" (a string))`,
    );
    await expect(loadConfig(join(dir, 'missing.yaml'))).rejects.toThrow(/expected a readable file, found ENOENT/);
  });

  it('rejects an empty file and a bad breaker name', () => {
    expect(issuesOf('')[0]!.found).toBe('an empty file');
    expect(issuesOf('breakers:\n  "chat bot": {}\n')[0]).toMatchObject({ path: 'breakers.chat bot', line: 2 });
  });

  it('takes the app’s own detectors by name, validated by their schema', () => {
    const detectors = {
      keyword: {
        options: z.strictObject({ words: z.array(z.string()).min(1) }),
        create: (o: unknown) => ({
          name: 'keyword',
          detect: () => ({ detector: 'keyword', score: 0, flagged: false, words: (o as { words: string[] }).words }),
        }),
      },
    };
    expect(
      parseConfig('breakers:\n  chat:\n    detectors: { keyword: { words: [bad] } }\n', 'c.yaml', { detectors })
        .breakers.chat?.detectors,
    ).toEqual({ keyword: { words: ['bad'] } });
    expect(
      issuesOf('breakers:\n  chat:\n    detectors: { keyword: { words: [] } }\n', 'c.yaml', { detectors })[0],
    ).toMatchObject({ path: 'breakers.chat.detectors.keyword.words', expected: 'at least 1 item(s)' });
  });

  it('rejects values far outside sane bounds, each with its line, unless allowed explicitly', () => {
    const text = `breakers:
  chat:
    recovery: { afterMs: 5, capMs: 604800000 }
    timeoutMs: 20
`;
    expect(issuesOf(text).map((i) => `${i.line}:${i.column} ${i.path} ${i.message} (found ${i.found})`)).toEqual([
      '3:26 breakers.chat.recovery.afterMs outside sane bounds (found 5 (a number))',
      '3:36 breakers.chat.recovery.capMs outside sane bounds (found 604800000 (a number))',
      '4:16 breakers.chat.timeoutMs outside sane bounds (found 20 (a number))',
    ]);
    // Allowed per key, in the file …
    const allowed = parseConfig(`${text}    allowOutOfBounds: [recovery.afterMs, recovery.capMs, timeoutMs]\n`);
    expect(allowed.breakers.chat).toMatchObject({ recovery: { afterMs: 5 }, timeoutMs: 20 });
    expect(issuesOf(`${text}    allowOutOfBounds: [timeoutMs]\n`).map((i) => i.path)).toEqual([
      'breakers.chat.recovery.afterMs',
      'breakers.chat.recovery.capMs',
    ]);
    // … or for every breaker, by the loader's option.
    expect(parseConfig(text, 'breakers.yaml', { checkBounds: false }).breakers.chat?.timeoutMs).toBe(20);
    // 0 is "no timeout", and sane values pass.
    expect(
      parseConfig('breakers:\n  chat:\n    timeoutMs: 0\n    recovery: { afterMs: 1000 }\n').breakers.chat,
    ).toMatchObject({
      timeoutMs: 0,
    });
    expect(issuesOf('breakers:\n  chat:\n    allowOutOfBounds: [budgetMs]\n')[0]).toMatchObject({
      path: 'breakers.chat.allowOutOfBounds.0',
      expected: 'one of "recovery.afterMs", "recovery.capMs", "timeoutMs"',
    });
  });

  it('reports values outside sane bounds and a wrong type elsewhere at once', () => {
    const text = 'breakers:\n  chat:\n    timeoutMs: 50\n    recovery: { afterMs: 3 }\n    budgetMs: x\n';
    expect(issuesOf(text).map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`)).toEqual([
      '3:16 breakers.chat.timeoutMs outside sane bounds',
      '4:26 breakers.chat.recovery.afterMs outside sane bounds',
      '5:15 breakers.chat.budgetMs wrong type',
    ]);
    // A value the schema rejects is reported once, by the schema.
    expect(issuesOf('breakers:\n  chat:\n    recovery: { afterMs: -5 }\n').map((i) => i.message)).toEqual([
      'out of range',
    ]);
    // A detector's own checks run beside a schema error in another breaker.
    const detectors = {
      strict: {
        options: z.strictObject({ level: z.number() }),
        create: () => {
          throw new TypeError('strict(): option "level" is not supported yet');
        },
      },
    };
    expect(
      issuesOf('breakers:\n  a:\n    detectors: { strict: { level: 1 } }\n  b:\n    mode: loud\n', 'c.yaml', {
        detectors,
      }).map((i) => `${i.line} ${i.path} ${i.message}`),
    ).toEqual([
      '3 breakers.a.detectors.strict strict(): option "level" is not supported yet',
      '5 breakers.b.mode not an allowed value',
    ]);
  });

  it('rejects a fallback listed twice or named "primary", as guard() would', () => {
    expect(issuesOf('breakers:\n  chat:\n    fallbacks: [mini, mini, primary]\n')).toEqual([
      expect.objectContaining({
        line: 3,
        column: 23,
        path: 'breakers.chat.fallbacks.1',
        message: 'two routes are named "mini"; give each fallback a unique name',
      }),
      expect.objectContaining({
        line: 3,
        column: 29,
        path: 'breakers.chat.fallbacks.2',
        message: '"primary" names the primary route; give the fallback another name',
      }),
    ]);
    // The same name in two breakers is fine.
    expect(parseConfig('breakers:\n  a: { fallbacks: [mini] }\n  b: { fallbacks: [mini] }\n').breakers.b).toMatchObject(
      {
        fallbacks: ['mini'],
      },
    );
  });

  it('throws the ConfigError docs/errors.md describes: its code and guard, and not a TypeError', () => {
    let error: unknown;
    try {
      parseConfig('breakers:\n  chat:\n    mode: loud\n');
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(TypeError);
    const docs = readFileSync('docs/errors.md', 'utf8').replace(/\s+/g, ' ');
    expect(docs).toContain(`code \`${(error as ConfigError).code}\``);
    expect(docs).toContain('extends `Error`, not `TypeError`');
    expect(docs).not.toMatch(/config loader throws? a `TypeError`/);
  });

  it('publishes a JSON Schema that names detectors and trip policies', () => {
    const schema = configJsonSchema() as {
      properties: { breakers: { additionalProperties: { properties: Record<string, unknown> } } };
    };
    const breaker = schema.properties.breakers.additionalProperties.properties;
    expect(Object.keys(breaker)).toEqual(
      expect.arrayContaining(['mode', 'detectors', 'trip', 'recovery', 'fallbacks']),
    );
    expect(JSON.stringify(breaker.detectors)).toContain('"toxicity"');
    expect(JSON.stringify(breaker.trip)).toContain('"wilson"');
  });
});
