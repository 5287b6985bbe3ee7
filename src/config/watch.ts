/**
 * Hot reload: on a change of the config file (fs.watch) or on SIGHUP, the file is read,
 * validated and applied to the live breakers as one unit. An invalid file never applies: the
 * last good config stays, with an error log and a metric.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
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

export interface WatchConfigOptions {
  /** Quiet time after the last file event before reloading, ms (editors write in bursts). Default 200. */
  readonly debounceMs?: number;
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
  const debounceMs = options.debounceMs ?? 200;
  const metrics = reloadMetrics(options.registry);
  let lastText: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ReloadResult> | undefined;
  let again: ReloadTrigger | undefined;
  let closed = false;

  async function attempt(trigger: ReloadTrigger): Promise<ReloadResult> {
    let result: ReloadResult;
    try {
      const text = await readFile(path, 'utf8');
      if (text === lastText) {
        result = { ok: true, changed: false, trigger };
      } else {
        set.apply(parseConfig(text, file, { ...(options.detectors && { detectors: options.detectors }) }), file);
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

  // No text is "seen" at start: the first reload always applies, which is harmless — unchanged
  // policies and detectors are kept, with their windows.
  let watcher: FSWatcher | undefined;
  if (options.watchFile !== false) {
    // Watch the directory: editors and `kubectl` ConfigMaps replace the file by rename, which a file watch loses.
    watcher = fsWatch(dirname(path), { persistent: false }, (_event, name) => {
      if (name !== null && name !== basename(path) && !String(name).startsWith('..')) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        void reload('file');
      }, debounceMs);
    });
    watcher.on('error', (error) =>
      logger.error({ file, error: String(error) }, 'config watch failed; SIGHUP still reloads'),
    );
  }
  const onHup = (): void => void reload('sighup');
  if (options.sighup !== false) process.on('SIGHUP', onHup);

  return {
    reload: () => reload('manual'),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
      process.off('SIGHUP', onHup);
    },
  };
}

function reloadMetrics(registry: PromClient.Registry | undefined): { success(): void; failure(): void } | undefined {
  if (!registry) return undefined;
  const prom = loadOptionalPeer<typeof PromClient>('prom-client', 'metrics');
  const get = <M>(name: string, make: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? make();
  const reloads = get(
    'safety_breaker_config_reloads_total',
    () =>
      new prom.Counter({
        name: 'safety_breaker_config_reloads_total',
        help: 'Config reload attempts by result (success, failure).',
        labelNames: ['result'],
        registers: [registry],
      }),
  );
  const healthy = get(
    'safety_breaker_config_last_reload_successful',
    () =>
      new prom.Gauge({
        name: 'safety_breaker_config_last_reload_successful',
        help: '1 when the last config reload applied (or found no change), 0 when it was rejected.',
        registers: [registry],
      }),
  );
  healthy.set(1);
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
