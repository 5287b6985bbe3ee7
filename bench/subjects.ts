/** What the benchmarks call: the default hot-path detectors, as a guard without `detectors` gets them. */
import type { Detector } from '../src/index.js';
import type { Built } from './build.js';

/**
 * The guard's own defaults when they include a hot-path detector (`detectors` is then left
 * unset); otherwise `[toxicity()]` explicitly, so the numbers always include the detector.
 */
export async function benchDetectors(built: Built): Promise<{ detectors: Detector[] | undefined; label: string }> {
  // Loads the defaults (and starts the model) before anything is timed, as a guard does before its first call.
  const defaults = await built.defaults.loadDefaultDetectors();
  if (defaults.length > 0)
    return { detectors: undefined, label: `the guard's defaults: ${defaults.map((d) => `${d.name}()`).join(', ')}` };
  return {
    detectors: [built.toxicity.toxicity()],
    label: '`[toxicity()]` passed explicitly (the guard default in src/detectors/defaults.ts is still `[]`)',
  };
}
