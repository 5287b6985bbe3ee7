/**
 * Builds the package the way it is published (tsup.config.ts: the ESM build split into chunks, the
 * CommonJS build, the shared model data) into node_modules/.cache, where its dependencies resolve,
 * without type declarations. `extraEntries` adds entries to the library builds, so a test can
 * reach an internal module as it sits in the built files (same folder, same chunks).
 */
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { builds } from '../tsup.config.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildPackage(name: string, extraEntries: Record<string, string> = {}): Promise<string> {
  const dir = join(root, 'node_modules', '.cache', 'safety-breaker-test', name);
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(
    builds.map((item) => {
      const entry = item.entry as Record<string, string>;
      return build({
        ...item,
        config: false,
        outDir: dir,
        dts: false,
        sourcemap: false,
        silent: true,
        entry: 'index' in entry ? { ...entry, ...extraEntries } : entry,
      });
    }),
  );
  return dir;
}
