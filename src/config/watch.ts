/**
 * Hot reload: on a change of the config file (fs.watch) or on SIGHUP, the file is read,
 * validated and applied to the live breakers as one unit. An invalid file never applies: the
 * last good config stays, with an error log and a metric. A change seen by the watch applies
 * only once the file has stayed the same for `settleMs` (a file read mid-write never applies),
 * and a symlinked file is followed to its target (Kubernetes ConfigMaps).
 */
import { lstatSync, readlinkSync, realpathSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type * as PromClient from 'prom-client';
import type { Logger } from '../telemetry/logging.js';
import { silentLogger } from '../telemetry/logging.js';
import { loadOptionalPeer } from '../telemetry/optional-peer.js';
import type { BreakerBindings, BreakerSet } from './bind.js';
import type { DetectorRegistry } from './detectors.js';
import { ConfigError, formatIssue, isConfigError } from './errors.js';
import { parseConfig } from './load.js';
import { familyOn } from '../telemetry/family.js';

export interface WatchConfigOptions {
  /** Quiet time after the last file event before reloading, ms (editors write in bursts). Default 200. */
  readonly debounceMs?: number;
  /**
   * A change seen by the watch applies only once the file reads the same twice, `settleMs` apart
   * (ms, default 1 000; 0 reads once). A writer that pauses mid-file never gets its half-written
   * file applied, even when that half parses. SIGHUP and `reload()` read at once: send them after
   * the write is done. Writing the file atomically (write a temporary file, then rename it over
   * the config) needs no settle time and is the recommended way.
   */
  readonly settleMs?: number;
  /** Reject values outside the sanity bounds (see `LoadConfigOptions.checkBounds`). Default true. */
  readonly checkBounds?: boolean;
  /** Reload on SIGHUP. Default true. */
  readonly sighup?: boolean;
  /** Watch the file for changes. Default true (SIGHUP and `reload()` work either way). */
  readonly watchFile?: boolean;
  readonly logger?: Logger;
  /** Writes `safety_breaker_config_reloads_total{result}` and `safety_breaker_config_last_reload_successful`. */
  readonly registry?: PromClient.Registry;
  /** The app's own detector factories (as given to `loadConfig`). */
  readonly detectors?: DetectorRegistry;
  /** Called after each reload attempt. */
  readonly onReload?: (result: ReloadResult) => void;
}

/** What one reload attempt did. */
export type ReloadResult =
  | { readonly ok: true; readonly changed: boolean; readonly trigger: ReloadTrigger }
  | { readonly ok: false; readonly error: ConfigError | Error; readonly trigger: ReloadTrigger };

export type ReloadTrigger = 'file' | 'sighup' | 'manual';

export interface ConfigWatcher {
  /** Reads and applies the file now (after any reload in progress). */
  reload(): Promise<ReloadResult>;
  /** Stops watching and removes the SIGHUP listener. */
  close(): void;
}

/**
 * Watches a config file and applies every valid version to `set`.
 *
 * ```ts
 * const set = createBreakers(await loadConfig(file), bindings, { registry, logger });
 * const watcher = watchConfig(file, set, { registry, logger });
 * // kill -HUP <pid>, or save the file: the next call of each breaker uses the new settings
 * ```
 */
export function watchConfig<B extends BreakerBindings>(
  file: string,
  set: BreakerSet<B>,
  options: WatchConfigOptions = {},
): ConfigWatcher {
  const path = resolve(file);
  const logger = options.logger ?? silentLogger;
  const debounceMs = checkMs(options.debounceMs, 'debounceMs', 200);
  const settleMs = checkMs(options.settleMs, 'settleMs', 1_000);
  const parseOptions = {
    ...(options.detectors && { detectors: options.detectors }),
    ...(options.checkBounds === false && { checkBounds: false }),
  };
  const metrics = reloadMetrics(options.registry);
  let lastText: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ReloadResult> | undefined;
  let again: ReloadTrigger | undefined;
  let closed = false;
  const settling = new Set<() => void>();

  /** Waits `ms` (unref'd); resolves at once when the watcher closes. */
  const pause = (ms: number): Promise<void> =>
    new Promise((done) => {
      const finish = (): void => {
        clearTimeout(t);
        settling.delete(finish);
        done();
      };
      const t = setTimeout(finish, ms);
      t.unref();
      settling.add(finish);
    });

  /** The file's text once two reads `settleMs` apart agree; undefined when it kept changing or the watcher closed. */
  async function settledText(): Promise<string | undefined> {
    let text = await readFile(path, 'utf8');
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      await pause(settleMs);
      if (closed) return undefined;
      const next = await readFile(path, 'utf8');
      if (next === text) return text;
      text = next;
    }
    return undefined;
  }

  async function attempt(trigger: ReloadTrigger): Promise<ReloadResult> {
    let result: ReloadResult;
    try {
      const text = trigger === 'file' && settleMs > 0 ? await settledText() : await readFile(path, 'utf8');
      if (closed) return { ok: true, changed: false, trigger };
      if (text === undefined)
        throw new Error(
          `the file kept changing for ${MAX_SETTLE_ROUNDS} × settleMs (${settleMs} ms); not applied — write it atomically (rename) or reload when done`,
        );
      if (text === lastText) {
        result = { ok: true, changed: false, trigger };
      } else {
        set.apply(parseConfig(text, file, parseOptions), file);
        lastText = text;
        result = { ok: true, changed: true, trigger };
        logger.info({ file, trigger, action: 'config-reload' }, `config ${file} applied`);
      }
      metrics?.success();
    } catch (error) {
      const e = isConfigError(error) ? error : error instanceof Error ? error : new Error(String(error));
      result = { ok: false, error: e, trigger };
      metrics?.failure();
      const problems = isConfigError(e) ? e.issues.map(formatIssue) : [e.message];
      logger.error(
        { file, trigger, action: 'config-reload', problems },
        `config ${file} rejected; the last good config stays`,
      );
    }
    try {
      options.onReload?.(result);
    } catch (error) {
      logger.warn({ file, error: String(error) }, 'onReload threw');
    }
    return result;
  }

  /** One reload at a time; a trigger during a reload runs once more after it. */
  function reload(trigger: ReloadTrigger): Promise<ReloadResult> {
    if (running) {
      again = trigger;
      return running.then(() => running ?? reload(trigger));
    }
    running = attempt(trigger).finally(() => {
      running = undefined;
      if (again && !closed) {
        const t = again;
        again = undefined;
        void reload(t);
      }
    });
    return running;
  }

  // Watched directories, by their real path: the config file's own directory, and the directory
  // of every link on the way to the real file. Editors and `kubectl` replace files by rename,
  // which a watch of the file itself loses; a ConfigMap swaps its `..data` symlink; an app may
  // point a symlink at a file elsewhere and edit that in place.
  type Watched = { readonly watcher: FSWatcher; readonly names: Set<string> };
  const watchers = new Map<string, Watched>();

  function schedule(): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      syncWatchers();
      void reload('file');
    }, debounceMs);
  }

  function watchDir(dir: string, name: string, primary: boolean, next: Map<string, Watched>): void {
    let key: string;
    try {
      key = realpathSync(dir);
    } catch {
      return; // gone (a swapped-out ConfigMap version): the next sync finds the new one
    }
    const existing = next.get(key) ?? watchers.get(key);
    if (existing) {
      if (!next.has(key)) existing.names.clear();
      existing.names.add(name);
      next.set(key, existing);
      return;
    }
    const names = new Set([name]);
    let watcher: FSWatcher;
    try {
      watcher = fsWatch(key, { persistent: false }, (_event, changed) => {
        // `..data` and `..2026_…` are how a ConfigMap swaps its files in.
        if (changed === null || names.has(String(changed)) || String(changed).startsWith('..')) schedule();
      });
    } catch (error) {
      if (primary) logger.error({ file, error: String(error) }, 'config watch failed; SIGHUP still reloads');
      return;
    }
    const entry: Watched = { watcher, names };
    watcher.on('error', (error) => {
      // A target directory that was deleted (a swapped-out ConfigMap version) is replaced at the next sync.
      watcher.close();
      if (watchers.get(key) === entry) watchers.delete(key);
      if (primary) logger.error({ file, error: String(error) }, 'config watch failed; SIGHUP still reloads');
      schedule();
    });
    next.set(key, entry);
  }

  /** Watches the file's directory and the directory of each link on the way to its target. */
  function syncWatchers(): void {
    if (closed || options.watchFile === false) return;
    const next = new Map<string, Watched>();
    linkChain(path).forEach(([dir, name], i) => watchDir(dir, name, i === 0, next));
    for (const [key, entry] of watchers) if (next.get(key) !== entry) entry.watcher.close();
    watchers.clear();
    for (const [key, entry] of next) watchers.set(key, entry);
  }
  syncWatchers();

  // No text is "seen" at start: the first reload always applies, which is harmless — unchanged
  // policies and detectors are kept, with their windows.
  const onHup = (): void => void reload('sighup');
  if (options.sighup !== false) process.on('SIGHUP', onHup);

  return {
    reload: () => reload('manual'),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const finish of [...settling]) finish();
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
      process.off('SIGHUP', onHup);
    },
  };
}

/** A file that changes this many settle periods in a row is not applied (a later change or reload tries again). */
const MAX_SETTLE_ROUNDS = 20;

function checkMs(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new TypeError(`watchConfig(): option "${name}" must be a number of milliseconds >= 0 (got ${String(value)})`);
  return value;
}

/**
 * `[directory, entry name]` of the path and of every symlink it leads through to the real file
 * (at most 40 links, as the kernel allows).
 */
function linkChain(path: string): [string, string][] {
  const chain: [string, string][] = [[dirname(path), basename(path)]];
  let current = path;
  for (let hop = 0; hop < 40; hop++) {
    let target: string;
    try {
      if (!lstatSync(current).isSymbolicLink()) break;
      target = resolve(dirname(current), readlinkSync(current));
    } catch {
      break;
    }
    chain.push([dirname(target), basename(target)]);
    current = target;
  }
  // The real file, through any symlinked directory on the way (a ConfigMap's `..data/`).
  try {
    const real = realpathSync(path);
    chain.push([dirname(real), basename(real)]);
  } catch {
    // not there (yet): the directory watch above sees it appear
  }
  return chain;
}

function reloadMetrics(registry: PromClient.Registry | undefined): { success(): void; failure(): void } | undefined {
  if (!registry) return undefined;
  const prom = loadOptionalPeer<typeof PromClient>('prom-client', 'metrics');
  const get = familyOn(registry);
  const reloads = get(
    'safety_breaker_config_reloads_total',
    (name) =>
      new prom.Counter({
        name,
        help: 'Config reload attempts by result (success, failure).',
        labelNames: ['result'],
        registers: [registry],
      }),
  );
  const healthy = get(
    'safety_breaker_config_last_reload_successful',
    (name) =>
      new prom.Gauge({
        name,
        help: '1 when the last config reload applied (or found no change), 0 when it was rejected.',
        registers: [registry],
      }),
  );
  healthy.set(1);
  // At 0 from the start: a counter that appears at 1 shows no increase() for the first rejected reload.
  reloads.inc({ result: 'success' }, 0);
  reloads.inc({ result: 'failure' }, 0);
  return {
    success() {
      reloads.inc({ result: 'success' });
      healthy.set(1);
    },
    failure() {
      reloads.inc({ result: 'failure' });
      healthy.set(0);
    },
  };
}
