import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', express: 'src/integrations/express.ts', fastify: 'src/integrations/fastify.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    // import.meta.url (used to load optional peers lazily) needs a shim in the CommonJS build.
    shims: true,
    target: 'node20',
    // p-retry is ESM-only; bundling it keeps the CommonJS build loadable by require() on every Node >= 20.
    noExternal: ['p-retry', 'is-network-error'],
  },
  // The `safety-breaker` bin: ESM only, with a shebang; built after the library (clean: false keeps its files).
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    noExternal: ['p-retry', 'is-network-error'],
  },
]);
