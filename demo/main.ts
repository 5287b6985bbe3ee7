/**
 * `npm start`: the safety-breaker demo. Runs for about half a minute and exits by itself.
 * `npm start -- --stream`: a streamed answer cut mid-way and continued by the fallback (demo/stream-demo.ts).
 * Set OPENAI_BASE_URL (and OPENAI_API_KEY, optionally OPENAI_MODEL) to use a real
 * OpenAI-compatible endpoint as the primary; the simulated model stays the fallback.
 */
import { runDemo } from './run-demo.js';
import { runStreamDemo } from './stream-demo.js';

// A last resort: the demo must never hang a terminal or a CI job.
const watchdog = setTimeout(() => {
  process.stderr.write('safety-breaker demo: still running after 60 s, giving up\n');
  process.exit(1);
}, 60_000);
watchdog.unref();

try {
  if (process.argv.includes('--stream')) {
    // `npm start -- --stream`: a streamed answer cut mid-way and continued by the fallback.
    await runStreamDemo();
  } else {
    const summary = await runDemo();
    if (summary.trips === 0 || summary.recoveries === 0)
      process.stderr.write('\nnote: this run showed no complete trip and recovery\n');
  }
  process.exitCode = 0;
} catch (error) {
  process.stderr.write(
    `safety-breaker demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
