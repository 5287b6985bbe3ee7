/**
 * `npm run check:size` (after `npm run build`; .ci/run runs it): what an install costs.
 *
 * 1. The app bundle of `import { guard } from 'safety-breaker'` used with `detectors: []`:
 *    esbuild, platform node, bundle, minify, the optional peers external. Target and limit 80 kB
 *    (issue 12): 80.0 kB (79 959 bytes) once the option checks moved from zod/mini (30 kB of it)
 *    to src/rules/ (3.5 kB); it was 106.9 kB before, and 528 kB with classic zod and the toxicity
 *    model. It must contain no toxicity file (the model is loaded only when the defaults are used)
 *    and no zod file (option checks on the call path are rules; zod stays with config and toolkits).
 *    Limit 95 kB since the second wave (issues 15–17), 94.8 kB in all: guard() reads streamed answers
 *    itself (hold-back, the cut, the fallback's continuation, chunk shapes: src/stream/, ≈ 12 kB),
 *    because a streamed answer that bypassed the guard would reach users unscanned, so that cannot be a
 *    subpath; the replicas seam (src/call/replicas.ts, 1.3 kB; Redis itself is the `redis` subpath), the
 *    self-starting CUSUM (1.75 kB), the incident hook (0.7 kB), stream spans and store saves (1.8 kB).
 *    Then the stream's `continueChars` (the bounded continuation text, 188 bytes), `readsText`
 *    (17 bytes) and the shared family maker (telemetry/family.ts, 16 bytes): 94 999 bytes. Then the
 *    time options' bound (2^31 − 1 ms, Node's timer limit, 28 bytes), and each metric family's name
 *    written once instead of twice (−755 bytes): 94 257 bytes. Then "did you mean" for an unknown
 *    option (src/rules/closest.ts, shared with the config loader and the CLI, 463 bytes): 94 716 bytes.
 *    Then a safe reply that may decline, with the caller's error in `SafeReplyInfo` (so the AI SDK
 *    middleware's content-filter answer counts as a safe reply), and blocked-output series at 0 from
 *    the start (283 bytes): 94 999 bytes, at the limit: the next addition to guard() must trim first.
 *    Loading telemetry only when configured (≈ 13 kB) would meet the 80 kB target (not yet met).
 * 2. `npm pack`: the tarball. Limit 800 kB. The toxicity weights must be in exactly one file of it,
 *    and it ships no source maps. 798.4 kB after issue 14's third round, with maps (without
 *    sourcesContent: they pointed at src/, which is not shipped); the fourth round's rules and the
 *    HolisticBias table took it to 801.2 kB, so the maps (≈ 122 kB gzipped) went. The largest part
 *    that is not code: declaration files ≈ 100 kB (the `.d.cts` repeat the `.d.ts`), gzipped.
 *
 * Prints the numbers, the machine and Node version, and the largest parts of the bundle; exits 1
 * when a limit or a check fails. kB = 1000 bytes, as npm prints them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_LIMIT = 95_000;
export const BUNDLE_TARGET = 80_000;
export const PACK_LIMIT = 800_000;

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
const optionalPeers = Object.entries(pkg.peerDependenciesMeta ?? {})
  .filter(([, meta]) => meta.optional === true)
  .map(([name]) => name);

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

/** Bytes in the bundle per npm package (or per file of this package's dist/). */
function parts(metafile: Metafile): [string, number][] {
  const by = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      const key = m ? (m[1] as string) : file.replace(/^.*?dist\//, 'dist/');
      by.set(key, (by.get(key) ?? 0) + bytesInOutput);
    }
  return [...by].sort((a, b) => b[1] - a[1]);
}

interface Bundle {
  readonly bytes: number;
  readonly parts: [string, number][];
  /** Input files whose path names toxicity. */
  readonly toxicity: string[];
  /** zod's own files in the bundle. */
  readonly zod: string[];
  /** This package's files that import zod (`zod` or a `zod/…` subpath). */
  readonly zodImporters: string[];
}

/** The app's bundle, from the built package (`safety-breaker`) or, to see where its bytes come from, from the source. */
async function guardBundle(from: 'safety-breaker' | './src/index.ts'): Promise<Bundle> {
  const result = await build({
    stdin: {
      contents: `import { guard } from '${from}';
const chat = guard(async (prompt) => \`echo: \${prompt}\`, { name: 'chat', detectors: [] });
console.log(await chat('hello'));`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    external: optionalPeers,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  const used = new Set(
    Object.values(result.metafile.outputs).flatMap((o) =>
      Object.entries(o.inputs)
        .filter(([, i]) => i.bytesInOutput > 0)
        .map(([f]) => f),
    ),
  );
  const inputs = Object.entries(result.metafile.inputs).filter(([f]) => used.has(f));
  return {
    bytes,
    parts: parts(result.metafile),
    toxicity: inputs.map(([f]) => f).filter((f) => /toxicity/.test(f)),
    zod: inputs.map(([f]) => f).filter((f) => /node_modules\/zod\//.test(f)),
    zodImporters: inputs
      .filter(
        ([f, input]) => !f.includes('node_modules') && input.imports.some((i) => /^zod(\/|$)/.test(i.original ?? '')),
      )
      .map(([f]) => f),
  };
}

interface PackResult {
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

function pack(): PackResult {
  // --ignore-scripts: the prepack build already ran; this measures dist/ as it is.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const [result] = JSON.parse(out) as PackResult[];
  if (!result) throw new Error('npm pack --dry-run printed no result');
  return result;
}

/** The packed files that hold the toxicity weights (a piece of their base64 from weights.ts). */
function filesWithWeights(files: PackResult['files']): string[] {
  const source = readFileSync(join(root, 'src/detectors/toxicity/weights.ts'), 'utf8');
  const data = /data: '([A-Za-z0-9+/=]{64})/.exec(source)?.[1];
  if (!data) throw new Error('src/detectors/toxicity/weights.ts: no weights found');
  const slice = data.slice(16, 48);
  return files.filter((f) => readFileSync(join(root, f.path), 'latin1').includes(slice)).map((f) => f.path);
}

async function main(): Promise<number> {
  if (!existsSync(join(root, 'dist/index.js'))) {
    console.error('check-size: no dist/ — run npm run build first');
    return 1;
  }
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`check-size — ${cpu}, ${cpus().length} cores; Node ${process.version}`);
  const failures: string[] = [];

  const bundle = await guardBundle('safety-breaker');
  console.log(
    `\nguard() with detectors: [] — esbuild bundle, minified, platform node, external: ${optionalPeers.join(', ')}`,
  );
  console.log(
    `  ${kB(bundle.bytes)} (${bundle.bytes} bytes; limit ${kB(BUNDLE_LIMIT)}, target ${kB(BUNDLE_TARGET)}${bundle.bytes < BUNDLE_TARGET ? ': met' : ': not yet met'})`,
  );
  // The same bundle built from the source names the files the bytes come from (dist/ has hashed chunks).
  const bySource = await guardBundle('./src/index.ts');
  console.log(`  largest parts (the same bundle built from src/, ${kB(bySource.bytes)}):`);
  for (const [name, bytes] of bySource.parts.slice(0, 10)) console.log(`    ${kB(bytes).padStart(9)}  ${name}`);
  if (bySource.zodImporters.length > 0) console.log(`  zod is imported by: ${bySource.zodImporters.join(', ')}`);
  if (bundle.bytes >= BUNDLE_LIMIT) failures.push(`guard bundle ${kB(bundle.bytes)} ≥ ${kB(BUNDLE_LIMIT)}`);
  if (bundle.toxicity.length > 0) failures.push(`guard bundle contains toxicity files: ${bundle.toxicity.join(', ')}`);
  if (bundle.zod.length > 0) failures.push(`guard bundle contains zod files: ${bundle.zod.join(', ')}`);

  const packed = pack();
  console.log(`\nnpm pack — ${packed.files.length} files`);
  console.log(`  ${kB(packed.size)} packed (limit ${kB(PACK_LIMIT)}), ${kB(packed.unpackedSize)} unpacked`);
  for (const f of [...packed.files].sort((a, b) => b.size - a.size).slice(0, 5))
    console.log(`    ${kB(f.size).padStart(9)}  ${f.path}`);
  if (packed.size >= PACK_LIMIT) failures.push(`tarball ${kB(packed.size)} ≥ ${kB(PACK_LIMIT)}`);
  const weights = filesWithWeights(packed.files);
  console.log(`  toxicity weights in: ${weights.join(', ') || 'no file'}`);
  if (weights.length !== 1) failures.push(`the weights must be in exactly one packed file (found ${weights.length})`);
  const maps = packed.files.filter((f) => f.path.endsWith('.map')).map((f) => f.path);
  if (maps.length > 0) failures.push(`source maps in the tarball: ${maps.join(', ')}`);

  if (failures.length === 0) {
    console.log('\ncheck-size: ok');
    return 0;
  }
  for (const f of failures) console.error(`check-size: FAIL ${f}`);
  return 1;
}

process.exitCode = await main();
