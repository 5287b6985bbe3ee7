import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * This package's version, read from its package.json on first use (never at import time).
 * Works from src/ (tests) and from dist/ (the published build); `unknown` if neither is found.
 */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  try {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 4; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (pkg.name === 'safety-breaker' && typeof pkg.version === 'string') return (cached = pkg.version);
      } catch {
        // no package.json at this level: keep walking up
      }
      dir = dirname(dir);
    }
  } catch {
    // import.meta.url unavailable: keep "unknown"
  }
  return cached;
}
