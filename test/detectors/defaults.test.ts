/**
 * The default detectors, `[toxicity()]`, are loaded lazily, by a dynamic import that bundlers do not
 * follow: from the TypeScript source (vitest, tsx), from the ESM build and from the CommonJS build.
 * An app that passes its own detectors never loads the model; an app bundled into one file gets an
 * error that says what to do.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultDetectors } from '../../src/detectors/defaults.js';
import type { HotPathDetector } from '../../src/index.js';
import { buildPackage, root } from '../../scripts/build-package.js';

const run = promisify(execFile);
const THREAT = 'I will kill you.';
const input = (text: string) => ({ text, output: text, latencyMs: 1, route: 'primary', breaker: 'test', context: {} });

/** Runs `code` as a file of `dir` in a fresh Node process; returns what it printed as JSON. */
async function node(dir: string, file: string, code: string, args: string[] = []): Promise<unknown> {
  writeFileSync(join(dir, file), code);
  const { stdout } = await run(process.execPath, [...args, join(dir, file)], { cwd: root, timeout: 60_000 });
  return JSON.parse(stdout);
}

// What each environment prints: the default detectors' names and whether they block a threat.
const PROBE = `const detectors = await loadDefaultDetectors();
const ready = typeof scannerReady === 'function' ? scannerReady() : undefined;
const blocked = detectors[0].detect({ text: ${JSON.stringify(THREAT)}, output: '', latencyMs: 1, route: 'primary', breaker: 'x', context: {} }).blocked;
console.log(JSON.stringify({ names: detectors.map((d) => d.name), blocked }));`;

describe('loadDefaultDetectors()', () => {
  it('resolves to [toxicity()] from the TypeScript source under vitest', async () => {
    const detectors = await loadDefaultDetectors();
    expect(detectors.map((d) => d.name)).toEqual(['toxicity']);
    expect((detectors[0] as HotPathDetector).detect(input(THREAT)).blocked).toBe(true);
    expect(await loadDefaultDetectors()).not.toBe(detectors); // a new detector each time, one module
  });

  it('resolves to [toxicity()] from the TypeScript source under tsx, starting the model when it creates it', async () => {
    const dir = join(root, 'node_modules', '.cache', 'safety-breaker-test', 'tsx');
    mkdirSync(dir, { recursive: true });
    const out = await node(
      dir,
      'sb-defaults-tsx.mts',
      `import { loadDefaultDetectors } from ${JSON.stringify(join(root, 'src/detectors/defaults.ts'))};
import { scannerReady } from ${JSON.stringify(join(root, 'src/detectors/toxicity/scanner.ts'))};
const before = scannerReady();
${PROBE.replace('console.log(JSON.stringify({', 'console.log(JSON.stringify({ before, ready,')}`,
      ['--import', 'tsx'],
    );
    // The start-up happened when the loader created the detector, before any scan.
    expect(out).toEqual({ before: false, ready: true, names: ['toxicity'], blocked: true });
  });

  describe('from the built package', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await buildPackage('defaults', { defaults: 'src/detectors/defaults.ts' });
    });

    it('loads dist/toxicity.js in the ESM build', async () => {
      const out = await node(dir, 'probe.mjs', `import { loadDefaultDetectors } from './defaults.js';\n${PROBE}`);
      expect(out).toEqual({ names: ['toxicity'], blocked: true });
    });

    it('loads dist/toxicity.cjs in the CommonJS build (Node 20 cannot require ESM)', async () => {
      const out = await node(
        dir,
        'probe.cjs',
        `const { loadDefaultDetectors } = require('./defaults.cjs');
(async () => {
  ${PROBE.replace('console.log(JSON.stringify({', 'const loaded = Object.keys(require.cache).map((f) => require("path").basename(f)).filter((f) => f.startsWith("toxicity"));\n  console.log(JSON.stringify({ loaded,')}
})();`,
      );
      expect(out).toEqual({ loaded: ['toxicity.cjs', 'toxicity-model.cjs'], names: ['toxicity'], blocked: true });
    });

    it('rejects, saying to pass detectors: [toxicity()], when the app bundled everything into one file', async () => {
      const app = join(dir, 'app');
      await build({
        stdin: {
          contents: `import { loadDefaultDetectors } from './defaults.js';
loadDefaultDetectors().then(() => console.log(JSON.stringify({ loaded: true })), (e) => console.log(JSON.stringify({ message: e.message })));`,
          resolveDir: dir,
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: join(app, 'bundle.mjs'),
        logLevel: 'silent',
      });
      const out = (await node(app, 'run.mjs', `import './bundle.mjs';`)) as { message?: string };
      expect(out.message).toMatch(/^safety-breaker: cannot load the default toxicity detector \(/);
      expect(out.message).toContain(
        "import { toxicity } from 'safety-breaker/toxicity' and guard(fn, { name, detectors: [toxicity()] })",
      );
    });

    it('a guard with its own detectors never loads the toxicity model (ESM and CommonJS)', async () => {
      // A resolve hook that fails any import of the toxicity files.
      writeFileSync(
        join(dir, 'no-toxicity-hooks.mjs'),
        `export async function resolve(specifier, context, next) {
  if (/toxicity/.test(specifier)) throw new Error('loaded ' + specifier);
  return next(specifier, context);
}`,
      );
      writeFileSync(
        join(dir, 'no-toxicity.mjs'),
        `import { register } from 'node:module';\nregister('./no-toxicity-hooks.mjs', import.meta.url);`,
      );
      const esm = await node(
        dir,
        'own.mjs',
        `import { guard } from './index.js';
const chat = guard(async () => 'fine', { name: 'chat', detectors: [] });
console.log(JSON.stringify({ answer: await chat() }));`,
        ['--import', join(dir, 'no-toxicity.mjs')],
      );
      expect(esm).toEqual({ answer: 'fine' });
      const cjs = await node(
        dir,
        'own.cjs',
        `const { guard } = require('./index.cjs');
const chat = guard(async () => 'fine', { name: 'chat', detectors: [] });
chat().then((answer) => {
  const loaded = Object.keys(require.cache).filter((f) => /toxicity/.test(f));
  console.log(JSON.stringify({ answer, loaded }));
});`,
      );
      expect(cjs).toEqual({ answer: 'fine', loaded: [] });
    });

    it('a guard without `detectors` blocks a toxic answer with the default toxicity detector (ESM and CommonJS)', async () => {
      const body = (guardFrom: string) => `${guardFrom}
const chat = guard(async () => ${JSON.stringify(THREAT)}, { name: 'chat', safeReply: 'withheld' });
chat().then((answer) => console.log(JSON.stringify({ answer })));`;
      expect(await node(dir, 'default.mjs', body(`import { guard } from './index.js';`))).toEqual({
        answer: 'withheld',
      });
      expect(await node(dir, 'default.cjs', body(`const { guard } = require('./index.cjs');`))).toEqual({
        answer: 'withheld',
      });
    });

    it('the first guarded call in a fresh process runs within a 5 ms budget: toxicity() did the start-up', async () => {
      const out = await node(
        dir,
        'first-call.mjs',
        `import { guard } from './index.js';
import { toxicity } from './toxicity.js';
const chat = guard(async () => 'Sure! Tomorrow looks sunny in the morning, with light rain after four.', {
  name: 'chat',
  detectors: [toxicity()],
  budgetMs: 5,
});
const exceeded = [];
chat.on('budget-exceeded', (e) => exceeded.push(e));
await chat();
console.log(JSON.stringify({ exceeded }));`,
      );
      expect(out).toEqual({ exceeded: [] });
    });
  });
});
