/**
 * The public face: the root export stays small, every subpath is built, exported for ESM and
 * CommonJS with types, and listed in the README, and the toolkits sit where the README says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entry as entries } from '../../tsup.config.js';
import { root } from '../../scripts/build-package.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  sideEffects: unknown;
};
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const load = (name: string): Promise<Record<string, unknown>> =>
  import(pathToFileURL(join(root, entries[name as keyof typeof entries])).href) as Promise<Record<string, unknown>>;

// What an app needs to write a guarded call. Adding a name here is a decision: keep it under 30.
const ROOT = [
  'BREAKER_STATES',
  'BreakerOpenError',
  'DisposedError',
  'ErrorCodes',
  'OutputBlockedError',
  'SafetyBreakerError',
  'TimeoutError',
  'callContext',
  'callSignal',
  'currentContext',
  'defaultText',
  'guard',
  'isAsyncDetector',
  'isBreakerOpenError',
  'isHotPathDetector',
  'isOutputBlockedError',
  'isSafetyBreakerError',
  'isTimeoutError',
  'isTransientError',
  'isWindowDetector',
  'latency',
  'memoryStore',
  'runWithContext',
  'withSignal',
];

describe('the root export', () => {
  it('holds at most 30 runtime names: these', async () => {
    const names = Object.keys(await load('index')).sort();
    expect(names).toEqual([...ROOT].sort());
    expect(names.length).toBeLessThanOrEqual(30);
  });
});

describe('subpaths', () => {
  const subpaths = Object.keys(pkg.exports)
    .filter((k) => k !== '.' && k !== './package.json')
    .map((k) => k.slice(2));

  it('each built entry is exported for ESM and CommonJS with types, and each export is built', () => {
    expect(subpaths.sort()).toEqual(
      Object.keys(entries)
        .filter((e) => e !== 'index')
        .sort(),
    );
    for (const name of ['index', ...subpaths]) {
      const key = name === 'index' ? '.' : `./${name}`;
      expect(pkg.exports[key], key).toEqual({
        import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
      });
    }
  });

  it('each is listed in the README with what it holds', async () => {
    for (const name of subpaths) {
      const row = readme
        .split('\n')
        .find((line) => line.startsWith('| `safety-breaker/') && line.includes(`\`safety-breaker/${name}\``));
      expect(row, `README row for safety-breaker/${name}`).toBeDefined();
      if (name === 'express' || name === 'fastify') continue;
      // Every runtime name the subpath exports is named in its row.
      for (const exported of Object.keys(await load(name)))
        if (!/^(TOXICITY_DEFAULT_|CALL_|DETECTOR_)/.test(exported))
          expect(row, `safety-breaker/${name}: ${exported}`).toContain(exported);
    }
  });

  it('the five trip policies are exported together from safety-breaker/policies', async () => {
    const policies = await load('policies');
    for (const name of ['RatePolicy', 'WilsonPolicy', 'CusumPolicy', 'SlowCallRatePolicy', 'LatencyQuantilePolicy'])
      expect(typeof policies[name], name).toBe('function');
    const rootNames = Object.keys(await load('index'));
    expect(rootNames.filter((n) => n.endsWith('Policy'))).toEqual([]);
  });

  it('safety-breaker/redis holds the Redis store; ioredis stays an optional peer', async () => {
    expect(Object.keys(await load('redis'))).toEqual(['redisStore']);
    const manifest = pkg as unknown as { peerDependenciesMeta: Record<string, { optional?: boolean }> };
    expect(manifest.peerDependenciesMeta.ioredis).toEqual({ optional: true });
  });

  it('safety-breaker/toxicity gives an incremental scanner, not the scanner class', async () => {
    const toxicity = await load('toxicity');
    expect(toxicity).not.toHaveProperty('ToxicityScanner');
    const create = toxicity.createToxicityScanner as () => {
      push(chunk: string): void;
      end(): { scores: { threat: number } };
    };
    const scanner = create();
    for (const chunk of ['I will ', 'ki', 'll you.']) scanner.push(chunk);
    expect(scanner.end().scores.threat).toBeGreaterThan(0.9);
  });
});
