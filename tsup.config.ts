import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

// The build script empties dist/ first: tsup runs these configs at once, so `clean` in one would race the others.

/** Every export of package.json: the root and one entry per subpath (see README, "Subpaths"). */
export const entry = {
  index: 'src/index.ts',
  toxicity: 'src/entries/toxicity.ts',
  fairness: 'src/entries/fairness.ts',
  policies: 'src/entries/policies.ts',
  stats: 'src/entries/stats.ts',
  config: 'src/entries/config.ts',
  traffic: 'src/entries/traffic.ts',
  telemetry: 'src/entries/telemetry.ts',
  http: 'src/entries/http.ts',
  incidents: 'src/entries/incidents.ts',
  notify: 'src/entries/notify.ts',
  'file-store': 'src/entries/file-store.ts',
  redis: 'src/entries/redis.ts',
  express: 'src/integrations/express.ts',
  fastify: 'src/integrations/fastify.ts',
  'ai-sdk': 'src/integrations/ai-sdk.ts',
};

/** The toxicity model's weights, built once below and imported by both formats. */
const MODEL_DATA = './toxicity-model.cjs';
const TOXICITY_DIR = `${sep}detectors${sep}toxicity${sep}`;

/** Points the toxicity code's imports of its data at the one shared file instead of bundling the data. */
const sharedModelData: Plugin = {
  name: 'shared-toxicity-model-data',
  setup(build) {
    build.onResolve({ filter: /^\.\/weights\.js$/ }, (args) =>
      args.importer.includes(TOXICITY_DIR) ? { path: MODEL_DATA, external: true } : undefined,
    );
  },
};

/** Starts dist/cli.js with a hashbang (tsup then makes it executable), and no other file. */
const cliHashbang: Plugin = {
  name: 'cli-hashbang',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]cli[\\/]main\.ts$/ }, (args) => ({
      contents: `#!/usr/bin/env node\n${readFileSync(args.path, 'utf8')}`,
      loader: 'ts',
    }));
  },
};

const library: Options = {
  target: 'node20',
  clean: false,
  // No source maps: they pointed at src/, which the package does not ship, and were 15 % of the
  // tarball (122 kB gzipped); the output is not minified, so stack traces read as they are.
  sourcemap: false,
  // import.meta.url (the toxicity loader, optional peers) needs a shim in the CommonJS build.
  shims: true,
  // p-retry is ESM-only: bundled, so `require('safety-breaker/notify')` works on every Node 20, not only on
  // those with require(esm) (20.19+). It is used by safety-breaker/notify alone.
  noExternal: ['p-retry', 'is-network-error'],
};

/** The three builds (scripts/build-package.ts reuses them). */
export const builds: Options[] = [
  // The model's data, once.
  {
    entry: { 'toxicity-model': 'src/detectors/toxicity/model-data.ts' },
    format: ['cjs'],
    target: 'node20',
    clean: false,
    dts: false,
    sourcemap: false,
  },
  // ESM: the library and the `safety-breaker` bin in one build, split into shared chunks, so the
  // bin does not carry a second copy of the library.
  {
    ...library,
    entry: { ...entry, cli: 'src/cli/main.ts' },
    format: ['esm'],
    splitting: true,
    dts: { entry },
    esbuildPlugins: [sharedModelData, cliHashbang],
  },
  // CommonJS: the library only, split into shared chunks too (tsup converts the split ESM output).
  {
    ...library,
    entry,
    format: ['cjs'],
    splitting: true,
    dts: { entry },
    esbuildPlugins: [sharedModelData],
  },
];

export default defineConfig(builds);
