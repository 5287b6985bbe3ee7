/**
 * `npm start`: the safety-breaker demo. Runs for about half a minute and exits by itself.
 * `npm start -- --stream`: a streamed answer cut mid-way and continued by the fallback (demo/stream-demo.ts).
 * Any other flag is an error that lists the demo's flags (demo/args.ts).
 * Set OPENAI_BASE_URL (and OPENAI_API_KEY, optionally OPENAI_MODEL) to use a real
 * OpenAI-compatible endpoint as the primary; the simulated model stays the fallback.
 */
import { DemoArgsError, demoArgs, demoHelp, type DemoFlag } from './args.js';
import { runDemo } from './run-demo.js';
import { runStreamDemo } from './stream-demo.js';

let flags: ReadonlySet<DemoFlag>;
try {
  flags = demoArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof DemoArgsError)) throw error;
  process.stderr.write(`safety-breaker demo: ${error.message}\n\n${demoHelp()}`);
  process.exit(2);
}
if (flags.has('--help')) {
  process.stdout.write(demoHelp());
  process.exit(0);
}

// A last resort: the demo must never hang a terminal or a CI job.
const watchdog = setTimeout(() => {
  process.stderr.write('safety-breaker demo: still running after 60 s, giving up\n');
  process.exit(1);
}, 60_000);
watchdog.unref();

try {
  if (flags.has('--stream')) {
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
