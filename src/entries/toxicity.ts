/**
 * `safety-breaker/toxicity`: the `toxicity()` hot-path detector (the guard's default) and the
 * scanning API under it: whole texts, streamed texts, and the text normalisation it reads through.
 * Importing it loads nothing; the model starts up when `toxicity()` creates a detector.
 */
export * from '../detectors/toxicity/index.js';
