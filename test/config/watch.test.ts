import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Logger } from '../../src/index.js';
import {
  createBreakers,
  loadConfig,
  watchConfig,
  type ConfigWatcher,
  type ReloadResult,
} from '../../src/entries/config.js';

const yaml = (threshold: number) => `breakers:
  chat:
    detectors: {}
    trip: { policy: rate, threshold: ${threshold}, minimumCalls: 10 }
    retry: false
    fallbacks: [mini]
`;

function setup(threshold = 0.5) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-watch-'));
  const file = join(dir, 'breakers.yaml');
  writeFileSync(file, yaml(threshold));
  return { dir, file };
}

const logger = (): Logger & { errors: unknown[] } => {
  const errors: unknown[] = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (obj: object) => void errors.push(obj) };
};

let watcher: ConfigWatcher | undefined;
afterEach(() => watcher?.close());

async function breakersFor(file: string) {
  return createBreakers(await loadConfig(file), {
    chat: { primary: async (q: string) => q, fallbacks: { mini: async () => 'mini' } },
  });
}

describe('watchConfig', () => {
  it('applies a changed file on its own, after the debounce', async () => {
    const { file } = setup(0.5);
    const set = await breakersFor(file);
    const results: ReloadResult[] = [];
    watcher = watchConfig(file, set, { debounceMs: 20, sighup: false, onReload: (r) => results.push(r) });
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(file, yaml(0.25));
    await vi.waitFor(() => expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: 0.25 }), {
      timeout: 5_000,
    });
    expect(results.at(-1)).toMatchObject({ ok: true, changed: true, trigger: 'file' });
    set.dispose();
  });

  it('follows a file replaced by rename (how editors and ConfigMaps write)', async () => {
    const { dir, file } = setup(0.5);
    const set = await breakersFor(file);
    watcher = watchConfig(file, set, { debounceMs: 20, sighup: false });
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(join(dir, 'next.yaml'), yaml(0.4));
    renameSync(join(dir, 'next.yaml'), file);
    await vi.waitFor(() => expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: 0.4 }), {
      timeout: 5_000,
    });
    set.dispose();
  });

  it('reloads on SIGHUP', async () => {
    const { file } = setup(0.5);
    const set = await breakersFor(file);
    const results: ReloadResult[] = [];
    watcher = watchConfig(file, set, { watchFile: false, onReload: (r) => results.push(r) });
    writeFileSync(file, yaml(0.3));
    process.emit('SIGHUP');
    await vi.waitFor(() => expect(results).toHaveLength(1));
    expect(results[0]).toMatchObject({ ok: true, trigger: 'sighup' });
    expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: 0.3 });
    watcher.close();
    expect(process.listenerCount('SIGHUP')).toBe(0);
    set.dispose();
  });

  it('never applies an invalid file: the last good config stays, with an error log and a metric', async () => {
    const { file } = setup(0.5);
    const set = await breakersFor(file);
    const registry = new Registry();
    const log = logger();
    watcher = watchConfig(file, set, { watchFile: false, sighup: false, registry, logger: log });
    // Both series exist at 0 before any reload: increase(...{result="failure"}[1h]) shows the first rejection.
    expect(await registry.getSingleMetricAsString('safety_breaker_config_reloads_total')).toContain(
      'safety_breaker_config_reloads_total{result="failure"} 0',
    );
    writeFileSync(file, yaml(0.5).replace('threshold: 0.5', 'threshold: lots'));
    const result = await watcher.reload();
    expect(result.ok).toBe(false);
    expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: 0.5 });
    expect(log.errors[0]).toMatchObject({
      problems: [expect.stringContaining('breakers.yaml:4:38 breakers.chat.trip.threshold: wrong type')],
    });
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.find((m) => m.name === 'safety_breaker_config_reloads_total')!.values).toEqual([
      expect.objectContaining({ labels: { result: 'success' }, value: 0 }),
      expect.objectContaining({ labels: { result: 'failure' }, value: 1 }),
    ]);
    expect(metrics.find((m) => m.name === 'safety_breaker_config_last_reload_successful')!.values[0]!.value).toBe(0);
    writeFileSync(file, yaml(0.2));
    expect(await watcher.reload()).toMatchObject({ ok: true, changed: true });
    expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: 0.2 });
    set.dispose();
  });

  it('never applies a file cut mid-write: a change applies once the file stayed the same for settleMs', async () => {
    const { file } = setup(0.5);
    const set = await breakersFor(file);
    const applied: unknown[] = [];
    watcher = watchConfig(file, set, {
      debounceMs: 20,
      settleMs: 1_000,
      sighup: false,
      onReload: (r) => {
        if (r.ok && r.changed) applied.push(set.config.breakers.chat!.recovery?.afterMs);
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    const full = `${yaml(0.5)}    recovery:\n      afterMs: 30000\n`;
    // The writer pauses after "afterMs: 3000": that half parses, and is valid.
    const cut = full.slice(0, full.indexOf('30000') + 4);
    expect(cut.endsWith('afterMs: 3000')).toBe(true);
    writeFileSync(file, cut);
    await new Promise((r) => setTimeout(r, 150));
    writeFileSync(file, full);
    await vi.waitFor(() => expect(applied).toContain(30_000), { timeout: 10_000 });
    expect(applied).toEqual([30_000]);
    set.dispose();
  });

  it('follows a symlink to its target: an edit of the target in place applies', async () => {
    const { dir } = setup();
    mkdirSync(join(dir, 'real'));
    mkdirSync(join(dir, 'app'));
    const target = join(dir, 'real', 'breakers.yaml');
    writeFileSync(target, yaml(0.5));
    const link = join(dir, 'app', 'breakers.yaml');
    symlinkSync(target, link);
    const set = await breakersFor(link);
    watcher = watchConfig(link, set, { debounceMs: 20, settleMs: 0, sighup: false });
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(target, yaml(0.3));
    await vi.waitFor(() => expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: 0.3 }), {
      timeout: 5_000,
    });
    set.dispose();
  });

  it('follows a Kubernetes ConfigMap swap (..data symlink), then edits of the new target', async () => {
    const { dir } = setup();
    const mount = join(dir, 'mount');
    mkdirSync(join(mount, '..2026_01_01_v1'), { recursive: true });
    writeFileSync(join(mount, '..2026_01_01_v1', 'breakers.yaml'), yaml(0.5));
    symlinkSync('..2026_01_01_v1', join(mount, '..data'));
    symlinkSync('..data/breakers.yaml', join(mount, 'breakers.yaml'));
    const file = join(mount, 'breakers.yaml');
    const set = await breakersFor(file);
    watcher = watchConfig(file, set, { debounceMs: 20, settleMs: 0, sighup: false });
    await new Promise((r) => setTimeout(r, 50));
    // What the kubelet does: a new version directory, a new ..data link renamed over the old one, the old version removed.
    mkdirSync(join(mount, '..2026_01_02_v2'));
    writeFileSync(join(mount, '..2026_01_02_v2', 'breakers.yaml'), yaml(0.4));
    symlinkSync('..2026_01_02_v2', join(mount, '..data_tmp'));
    renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
    rmSync(join(mount, '..2026_01_01_v1'), { recursive: true });
    await vi.waitFor(() => expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: 0.4 }), {
      timeout: 5_000,
    });
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(join(mount, '..2026_01_02_v2', 'breakers.yaml'), yaml(0.2));
    await vi.waitFor(() => expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: 0.2 }), {
      timeout: 5_000,
    });
    set.dispose();
  });

  it('rejects a value far outside sane bounds unless the file allows it explicitly', async () => {
    const { file } = setup(0.5);
    const set = await breakersFor(file);
    const log = logger();
    watcher = watchConfig(file, set, { watchFile: false, sighup: false, logger: log });
    writeFileSync(file, `${yaml(0.5)}    recovery: { afterMs: 3 }\n`);
    const rejected = await watcher.reload();
    expect(rejected.ok).toBe(false);
    expect(log.errors[0]).toMatchObject({
      problems: [
        expect.stringContaining(
          'breakers.yaml:7:26 breakers.chat.recovery.afterMs: outside sane bounds (expected a number from 1000 to 86400000, or "recovery.afterMs" listed under allowOutOfBounds, found 3 (a number))',
        ),
      ],
    });
    expect(set.config.breakers.chat!.recovery).toBeUndefined();
    writeFileSync(file, `${yaml(0.5)}    recovery: { afterMs: 3 }\n    allowOutOfBounds: [recovery.afterMs]\n`);
    expect(await watcher.reload()).toMatchObject({ ok: true, changed: true });
    expect(set.config.breakers.chat!.recovery?.afterMs).toBe(3);
    set.dispose();
  });

  it('checks its own options', async () => {
    const { file } = setup();
    const set = await breakersFor(file);
    expect(() => watchConfig(file, set, { settleMs: -1, sighup: false })).toThrow(
      'watchConfig(): option "settleMs" must be a number of milliseconds >= 0 (got -1)',
    );
    set.dispose();
  });

  it('changes the threshold under continuous load with zero failed calls', async () => {
    const { file } = setup(0.5);
    // A primary that takes a few ms, so calls are in flight during every reload.
    const set = createBreakers(await loadConfig(file), {
      chat: {
        primary: (q: string) => new Promise<string>((r) => setTimeout(() => r(q), 1 + (q.length % 3))),
        fallbacks: { mini: async () => 'mini' },
      },
    });
    watcher = watchConfig(file, set, { watchFile: false, sighup: false });
    let failed = 0;
    let served = 0;
    let stop = false;
    const worker = async (id: number) => {
      for (let i = 0; !stop; i++) {
        try {
          expect(await set.breakers.chat(`w${id}-${i}`)).toBe(`w${id}-${i}`);
          served++;
        } catch {
          failed++;
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, i) => worker(i));
    const thresholds = [0.4, 0.3, 0.6, 0.2, 0.35];
    for (const t of thresholds) {
      await new Promise((r) => setTimeout(r, 30));
      writeFileSync(file, yaml(t));
      expect(await watcher.reload()).toMatchObject({ ok: true, changed: true });
      expect(set.breakers.chat.stats().policies[0]).toMatchObject({ threshold: t });
    }
    stop = true;
    await Promise.all(workers);
    expect(failed).toBe(0);
    expect(served).toBeGreaterThan(100);
    const stats = set.breakers.chat.stats();
    expect(stats.calls.total).toBe(served);
    expect(stats.calls.servedByPrimary).toBe(served);
    set.dispose();
  });
});
