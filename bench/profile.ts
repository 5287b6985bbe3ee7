/**
 * One bench subject in a loop, on the published build, for a CPU profile:
 *
 *   npx tsx bench/profile.ts bare|1k|16k [calls]            # builds, then profiles in a child
 *
 * writes node_modules/.cache/safety-breaker-prof/<subject>.cpuprofile and prints its hot spots
 * (bench/hotspots.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildForBench, loadBuilt } from './build.js';
import { benchDetectors } from './subjects.js';
import { benignText } from './texts.js';

const here = dirname(fileURLToPath(import.meta.url));
const [which = 'bare', count = '1000000', dir] = process.argv.slice(2);

if (!dir) {
  // Parent: build, then run this file again under --cpu-prof with the build's directory.
  const built = await buildForBench(resolve(here, '..'));
  const profDir = resolve(here, '..', 'node_modules', '.cache', 'safety-breaker-prof');
  mkdirSync(profDir, { recursive: true });
  const before = new Set(readdirSync(profDir));
  const run = spawnSync(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${profDir}`,
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      which,
      count,
      built.dir,
    ],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) process.exit(run.status ?? 1);
  const file = readdirSync(profDir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'))!;
  const target = join(profDir, `${which}.cpuprofile`);
  renameSync(join(profDir, file), target);
  spawnSync(process.execPath, ['--import', 'tsx', join(here, 'hotspots.ts'), target, '30'], { stdio: 'inherit' });
} else {
  const built = await loadBuilt(dir);
  const calls = Number(count);
  const text = benignText(which === '16k' ? 16 * 1024 : 1024);
  const { detectors } = await benchDetectors(built);
  const guarded = built.index.guard(async () => text, {
    name: 'bench-profile',
    ...(which === 'bare' ? { detectors: [] } : detectors ? { detectors } : {}),
  });
  const started = performance.now();
  for (let i = 0; i < calls; i++) await guarded();
  const ms = performance.now() - started;
  guarded.dispose();
  process.stdout.write(`${which}: ${calls} calls, ${((ms * 1e6) / calls).toFixed(0)} ns/call\n`);
}
