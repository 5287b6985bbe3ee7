/**
 * Builds the package the way it is published (tsup → esbuild, ESM, node20) into
 * node_modules/.cache/safety-breaker-bench, so the benchmarks time the code users run. Running
 * the TypeScript source under tsx instead adds tsx's `keepNames` helper: an
 * `Object.defineProperty(fn, 'name')` for every closure created per call.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'tsup';
import type * as Index from '../src/index.js';
import type * as Defaults from '../src/detectors/defaults.js';
import type * as Toxicity from '../src/detectors/toxicity/index.js';

export interface Built {
  readonly dir: string;
  readonly index: typeof Index;
  readonly toxicity: typeof Toxicity;
  readonly defaults: typeof Defaults;
}

export async function buildForBench(root: string): Promise<Built> {
  const dir = join(root, 'node_modules', '.cache', 'safety-breaker-bench');
  await build({
    config: false,
    entry: {
      index: join(root, 'src/index.ts'),
      toxicity: join(root, 'src/detectors/toxicity/index.ts'),
      defaults: join(root, 'src/detectors/defaults.ts'),
    },
    outDir: dir,
    format: ['esm'],
    // Shared chunks, as the published build: the guard in index.js and defaults.js then share the
    // default-detectors loader (and what it loaded).
    splitting: true,
    target: 'node20',
    dts: false,
    sourcemap: false,
    clean: true,
    silent: true,
    shims: true,
    noExternal: ['p-retry', 'is-network-error'],
  });
  return loadBuilt(dir);
}

/** Imports a build made by {@link buildForBench} (the heap child process reuses it). */
export async function loadBuilt(dir: string): Promise<Built> {
  const load = (file: string) => import(pathToFileURL(join(dir, file)).href);
  const [index, toxicity, defaults] = await Promise.all([load('index.js'), load('toxicity.js'), load('defaults.js')]);
  return { dir, index, toxicity, defaults } as Built;
}
