/**
 * The detectors a guard runs when `detectors` is not given: `[toxicity()]`.
 *
 * The toxicity module (its weights and scanner) is loaded only when a guard needs these
 * defaults, by a dynamic import of a specifier held in a variable: bundlers do not follow it, so an
 * app that passes its own detectors neither bundles nor loads the model. The specifier is resolved
 * relative to this file as it runs:
 *
 * | running from | this file | loads |
 * |---|---|---|
 * | the ESM build | `dist/*.js` | `dist/toxicity.js` (`import()`) |
 * | the CommonJS build | `dist/*.cjs` | `dist/toxicity.cjs` (`require`: Node 20 cannot `require` ESM) |
 * | the TypeScript source (vitest, tsx) | `src/detectors/defaults.ts` | `src/detectors/toxicity/index.ts` |
 *
 * An app that bundles everything into one file has no `toxicity.js` beside it: the loader then
 * rejects with an error that says to pass `detectors: [toxicity()]` explicitly.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Detector } from './types.js';

/** What the loader needs of the toxicity module. */
interface ToxicityModule {
  readonly toxicity: () => Detector;
}

let loaded: ToxicityModule | undefined;
let loading: Promise<ToxicityModule> | undefined;

/** The toxicity module's file for the build (or source) this file runs from; `require` for the CommonJS build. */
function locate(here: string): { readonly url: string; readonly require: boolean } {
  const path = here.replace(/[?#].*$/, '');
  if (/\.[cm]?ts$/.test(path)) return { url: new URL('./toxicity/index.ts', path).href, require: false };
  if (path.endsWith('.cjs')) return { url: new URL('./toxicity.cjs', path).href, require: true };
  return { url: new URL('./toxicity.js', path).href, require: false };
}

function checked(module: unknown, url: string): ToxicityModule {
  const m = module as Partial<ToxicityModule> | null | undefined;
  if (typeof m?.toxicity !== 'function') throw new Error(`${url} does not export toxicity()`);
  return m as ToxicityModule;
}

function cannotLoad(cause: unknown): Error {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `safety-breaker: cannot load the default toxicity detector (${why}). ` +
      `When safety-breaker is bundled into your app, pass the detectors explicitly: ` +
      `import { toxicity } from 'safety-breaker/toxicity' and guard(fn, { name, detectors: [toxicity()] }) ` +
      `(or detectors: [] for none).`,
    { cause },
  );
}

async function importToxicity(): Promise<ToxicityModule> {
  const { url, require } = locate(import.meta.url);
  try {
    if (require) return checked(createRequire(import.meta.url)(fileURLToPath(url)), url);
    return checked(await import(/* webpackIgnore: true */ /* @vite-ignore */ url), url);
  } catch (error) {
    throw cannotLoad(error);
  }
}

/**
 * The default detectors, `[toxicity()]`, loading the toxicity module on first use (once per
 * process; a failed load is retried by the next call). Creating the detector runs the model's
 * one-time start-up; a guard awaits this in its start-up (src/call/start-up.ts), outside every
 * call's detector budget.
 *
 * @throws {Error} (rejects) when the toxicity module cannot be loaded, e.g. in an app bundled into
 * one file; the message says to pass `detectors: [toxicity()]` from `safety-breaker/toxicity`.
 */
export async function loadDefaultDetectors(): Promise<Detector[]> {
  if (!loaded) {
    loading ??= importToxicity();
    try {
      loaded = await loading;
    } catch (error) {
      loading = undefined;
      throw error;
    }
  }
  return [loaded.toxicity()];
}
