/**
 * Loads the default detectors' module before each test file, so that src/guard.ts's synchronous
 * `defaultDetectors()` finds it: vitest runs the TypeScript source, which `require` cannot load.
 * Delete this (and `setupFiles`) when guard.ts awaits `loadDefaultDetectors()` itself.
 */
import { loadDefaultDetectors } from '../../src/detectors/defaults.js';

await loadDefaultDetectors();
