/**
 * Binds model functions in code to breaker names in a config file, and applies a new config to
 * live breakers as one unit: every breaker is checked first; only then does any change.
 */
import type { CallContext, Detector } from '../detectors/types.js';
import { guard, type Guarded, type ReconfigureOptions } from '../guard.js';
import { incidents, type IncidentLog } from '../incidents/log.js';
import type { IncidentNotify } from '../incidents/notice.js';
import { notifiersFromConfig } from '../incidents/notify/config.js';
import { createNotifyQueue } from '../incidents/notify/queue.js';
import type { GuardOptions, ModelFunction, SafeReplyInfo } from '../options.js';
import type { Fallback, NamedFallback } from '../routing/routes.js';
import type { Logger } from '../telemetry/logging.js';
import { detectorRegistry, type DetectorRegistry } from './detectors.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import type { BreakerConfig, SafetyBreakerConfig } from './schema.js';
import { placeIn, type ConfigKey } from './source.js';

/**
 * A model function a binding may give: async, or synchronous (the guard awaits what it returns,
 * so a plain function works too). The guarded function always returns a promise.
 */
export type BindableFunction = (...args: never[]) => unknown;

/** The output a bound function's result resolves to. */
type OutputOfBound<F extends BindableFunction> = Awaited<ReturnType<F>>;

/** What code supplies for one breaker of the config file; every part is typed by `primary`. */
export interface BreakerBinding<F extends BindableFunction = BindableFunction> {
  /** The model call the breaker guards. */
  readonly primary: F;
  /** Fallback routes by the names the config file lists under `fallbacks`: `primary`'s parameters and output. */
  readonly fallbacks?: Readonly<Record<string, Fallback<Parameters<NoInfer<F>>, OutputOfBound<NoInfer<F>>>>>;
  /** Returned when every route is exhausted, instead of throwing: a value of `primary`'s output type. */
  readonly safeReply?: OutputOfBound<NoInfer<F>> | ((info: SafeReplyInfo) => OutputOfBound<NoInfer<F>>);
  /** What detectors read from an output (see `GuardOptions.text`). */
  readonly text?: (output: OutputOfBound<NoInfer<F>>) => string;
  /** Call context from the call's arguments (see `GuardOptions.context`). */
  readonly context?: (...args: Parameters<NoInfer<F>>) => CallContext;
}

/** Bindings by breaker name. */
export type BreakerBindings = Readonly<Record<string, BreakerBinding>>;

/** The bindings `createBreakers` takes for the primaries `P`, by breaker name: each binding typed by its own primary. */
export type BindingsOf<P extends Readonly<Record<string, BindableFunction>>> = {
  readonly [K in keyof P]: BreakerBinding<P[K]>;
};

/** The guarded function of a bound primary: its parameters, and a promise of its output (a sync primary included). */
export type GuardedBinding<F extends BindableFunction> = F extends ModelFunction
  ? Guarded<F>
  : Guarded<Extract<(...args: Parameters<F>) => Promise<OutputOfBound<F>>, ModelFunction>>;

export interface CreateBreakersOptions {
  /** The app's prom-client registry (shared by every breaker). */
  readonly registry?: GuardOptions<ModelFunction>['registry'];
  readonly logger?: Logger;
  /** Virtual clock (tests, replay). */
  readonly clock?: () => number;
  /** The app's own detector factories, by the name the config file uses. */
  readonly detectors?: DetectorRegistry;
  /** The config's file name, for error messages. Default: the file `loadConfig` read it from. */
  readonly file?: string;
  /**
   * Where the incident log (built when the config has an `incidents:` section) sends its notices.
   * Default: a notify queue over the section's `notifiers:`, their secrets read from `env`.
   */
  readonly notify?: IncidentNotify;
  /** Where the config's notifiers read their secrets. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Live breakers built from a config file. */
export interface BreakerSet<B extends BreakerBindings> {
  /** The guarded functions, by breaker name. */
  readonly breakers: { readonly [K in keyof B]: GuardedBinding<B[K]['primary']> };
  /** The config now applied. */
  readonly config: SafetyBreakerConfig;
  /** The incident log every breaker is attached to, when the config has an `incidents:` section. */
  readonly incidents: IncidentLog | undefined;
  /**
   * Applies a new config to every breaker atomically, on each breaker's next call. Everything is
   * checked first; on any problem a `ConfigError` is thrown and nothing changes.
   */
  apply(config: SafetyBreakerConfig, file?: string): void;
  /** Releases every breaker, and closes the incident log (writes what is pending). */
  dispose(): void;
}

const RECOVERY_DEFAULTS = { afterMs: 30_000, backoff: 2, capMs: 300_000, probes: 3 };

/**
 * Creates one guarded function per binding, configured by the config file's breaker of the same
 * name.
 *
 * ```ts
 * const config = await loadConfig('safety-breaker.yaml');
 * const { breakers } = createBreakers(config, {
 *   chat: { primary: (req: ChatRequest) => openai.chat.completions.create(req), fallbacks: { mini: (req) => mini(req) } },
 * }, { registry });
 * await breakers.chat({ model: 'gpt-4o', messages });
 * ```
 * @throws {ConfigError} when a binding has no breaker in the config, or a fallback name is not bound.
 */
export function createBreakers<P extends Readonly<Record<string, BindableFunction>>>(
  config: SafetyBreakerConfig,
  bindings: BindingsOf<P>,
  options: CreateBreakersOptions = {},
): BreakerSet<BindingsOf<P>> {
  type B = BindingsOf<P>;
  // Inside, every binding is handled alike; the types above keep each one's own.
  const bound = bindings as unknown as Readonly<Record<string, BreakerBinding>>;
  const registry = detectorRegistry(options.detectors);
  const logger = options.logger;
  let caches = new Map<string, Map<string, Detector>>();
  let current = config;

  const planned = plan(config, options.file);
  const breakers: Record<string, Guarded<ModelFunction>> = {};
  for (const [name, p] of planned.options) breakers[name] = guard(asModel(bound[name]!.primary), p);
  caches = planned.caches;
  warnUnbound(config);
  // The incident log of the config's `incidents:` section; adding or removing the section applies on restart.
  const log = config.incidents && createIncidentLog(config.incidents);

  function createIncidentLog({ notifiers, ...settings }: NonNullable<SafetyBreakerConfig['incidents']>): IncidentLog {
    let notify = options.notify;
    if (notify === undefined && notifiers !== undefined && notifiers.length > 0) {
      let built;
      try {
        built = notifiersFromConfig(notifiers, options.env);
      } catch (error) {
        const message = (error as Error).message;
        throw new ConfigError([
          {
            ...placeIn(config, ['incidents'], options.file),
            path: 'incidents',
            expected: 'the environment variables its notifiers name',
            found: 'a variable not set or invalid',
            message,
          },
        ]);
      }
      notify = createNotifyQueue({ notifiers: built, registry: options.registry, logger });
    }
    return incidents({
      ...settings,
      ...(logger && { logger }),
      ...(options.registry && { registry: options.registry }),
      ...(notify && { notify }),
    });
  }
  if (log) for (const g of Object.values(breakers)) log.attach(g);

  function warnUnbound(cfg: SafetyBreakerConfig): void {
    const unbound = Object.keys(cfg.breakers).filter((n) => !(n in bindings));
    if (unbound.length > 0)
      logger?.info({ unbound }, `config breakers without a binding in this process: ${unbound.join(', ')}`);
  }

  /** Checks a config against the bindings and builds every breaker's options; throws `ConfigError` on any problem. */
  function plan(
    cfg: SafetyBreakerConfig,
    file: string | undefined,
  ): { options: Map<string, GuardOptions<ModelFunction>>; caches: Map<string, Map<string, Detector>> } {
    const issues: ConfigIssue[] = [];
    // The file and line where the loader has them (a breaker the code binds but the file lacks has no line).
    const issue = (path: readonly ConfigKey[], expected: string, found: string, message: string) =>
      issues.push({ ...placeIn(cfg, path, file), path: path.join('.'), expected, found, message });
    const out = new Map<string, GuardOptions<ModelFunction>>();
    const nextCaches = new Map<string, Map<string, Detector>>();
    for (const [name, binding] of Object.entries(bound)) {
      const b = cfg.breakers[name];
      if (!b) {
        issue(
          ['breakers', name],
          'a breaker for every binding in code',
          'nothing',
          `the code binds breaker "${name}" but the config has no such breaker`,
        );
        continue;
      }
      const cache = new Map<string, Detector>();
      nextCaches.set(name, cache);
      const opts = guardOptionsFor(
        name,
        b,
        binding,
        registry,
        caches.get(name),
        cache,
        (path, expected, found, message) => issue(['breakers', name, ...path], expected, found, message),
      );
      if (!opts) continue;
      // A dry run builds a throwaway guard: whatever guard() would reject is found before anything changes.
      try {
        guard(asModel(binding.primary), { ...opts, registry: undefined, logger: undefined }).dispose();
      } catch (error) {
        issue(
          ['breakers', name],
          'options guard() accepts',
          'invalid options',
          error instanceof Error ? error.message : String(error),
        );
        continue;
      }
      out.set(name, {
        ...opts,
        ...(options.registry && { registry: options.registry }),
        ...(logger && { logger }),
        ...(options.clock && { clock: options.clock }),
      });
    }
    if (issues.length > 0) throw new ConfigError(issues);
    return { options: out, caches: nextCaches };
  }

  return {
    breakers: breakers as unknown as BreakerSet<B>['breakers'],
    get config() {
      return current;
    },
    incidents: log,
    apply(next, file = options.file) {
      const p = plan(next, file);
      // Checked: from here nothing throws, so every breaker changes or none does.
      for (const [name, o] of p.options) breakers[name]!.reconfigure(reconfigurable(o));
      if (log && next.incidents) {
        const { notifiers, ...settings } = next.incidents;
        log.reconfigure(settings);
        if (JSON.stringify(notifiers) !== JSON.stringify(current.incidents?.notifiers))
          logger?.warn({}, 'config: a change to incidents.notifiers applies on restart');
      } else if (Boolean(log) !== Boolean(next.incidents))
        logger?.warn({}, 'config: adding or removing the incidents section applies on restart');
      caches = p.caches;
      current = next;
      warnUnbound(next);
    },
    dispose() {
      for (const g of Object.values(breakers)) g.dispose();
      void log?.close();
    },
  };
}

function reconfigurable(o: GuardOptions<ModelFunction>): ReconfigureOptions<ModelFunction> {
  const { detectors, fallbacks, trip, recovery, budgetMs, timeoutMs, retry, onDetectorError, mode } = o;
  return { detectors, fallbacks, trip, recovery, budgetMs, timeoutMs, retry, onDetectorError, mode };
}

/** A problem at `path` under the breaker, e.g. `['fallbacks', 0]`. */
type Report = (path: readonly ConfigKey[], expected: string, found: string, message: string) => void;

/** Guard options for one breaker of the config. Detectors whose options did not change are reused, so window detectors keep their state. */
export function guardOptionsFor(
  name: string,
  b: BreakerConfig,
  binding: BreakerBinding,
  registry: DetectorRegistry,
  previous: ReadonlyMap<string, Detector> | undefined,
  cache: Map<string, Detector>,
  report: Report,
): GuardOptions<ModelFunction> | undefined {
  let ok = true;
  // Without a detectors section the guard runs its default detectors (loaded by the guard itself).
  let detectors: Detector[] | undefined;
  if (b.detectors !== undefined) {
    detectors = [];
    for (const [det, opts] of Object.entries(b.detectors)) {
      if (opts === undefined) continue;
      const key = `${det}:${JSON.stringify(opts)}`;
      let d = previous?.get(key);
      if (!d) {
        try {
          d = registry[det]!.create(opts);
        } catch (error) {
          ok = false;
          report(
            ['detectors', det],
            `valid ${det} options`,
            JSON.stringify(opts),
            error instanceof Error ? error.message : String(error),
          );
          continue;
        }
      }
      cache.set(key, d);
      detectors.push(d);
    }
  }
  const fallbacks: NamedFallback<never[], unknown>[] = [];
  b.fallbacks.forEach((route, i) => {
    const f = binding.fallbacks?.[route];
    if (!f) {
      ok = false;
      const bound = Object.keys(binding.fallbacks ?? {});
      report(
        ['fallbacks', i],
        bound.length > 0
          ? `a route bound in code: ${bound.join(', ')}`
          : 'a route bound in code (this binding has none)',
        JSON.stringify(route),
        `fallback "${route}" is not bound in code`,
      );
      return;
    }
    fallbacks.push(named(route, f as Fallback<never[], unknown>));
  });
  if (!ok) return undefined;
  return {
    name,
    mode: b.mode,
    detectors, // undefined: the defaults (a reload that removes the section goes back to them)
    fallbacks,
    ...(b.trip !== undefined && { trip: b.trip }),
    recovery: { ...RECOVERY_DEFAULTS, ...b.recovery },
    ...(b.budgetMs !== undefined && { budgetMs: b.budgetMs }),
    ...(b.timeoutMs !== undefined && { timeoutMs: b.timeoutMs }),
    ...(b.retry !== undefined && { retry: b.retry }),
    ...(b.onDetectorError !== undefined && { onDetectorError: b.onDetectorError }),
    ...(binding.safeReply !== undefined && { safeReply: binding.safeReply }),
    ...(binding.text && { text: binding.text }),
    ...(binding.context && { context: binding.context }),
  };
}

/** A bound function as `guard()` takes it: the guard awaits what it returns, so a sync function works as one. */
const asModel = (f: BindableFunction): ModelFunction => f as ModelFunction;

/** A fallback under the name the config file gives it (a metric label). */
function named(route: string, f: Fallback<never[], unknown>): NamedFallback<never[], unknown> {
  if (typeof f === 'function') return { name: route, run: (...args) => f(...args) };
  if ('fire' in f) return { name: route, run: (...args) => f.fire(...args) };
  return { name: route, run: (...args) => f.run(...args) };
}
