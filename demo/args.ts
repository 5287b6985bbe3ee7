/**
 * The demo's flags (`npm start -- FLAG`), defined once: the parser, `--help` and the error for an
 * unknown flag read this list, and docs/demo.md lists the same.
 */
export const DEMO_FLAGS = {
  '--stream': 'a streamed answer cut mid-way before an abusive sentence, and the fallback continuing it',
  '--help': 'print the flags and exit',
} as const;

export type DemoFlag = keyof typeof DEMO_FLAGS;

/** A flag the demo does not have: it must not silently run the 30-second demo instead. */
export class DemoArgsError extends Error {}

/** The flags given; throws `DemoArgsError` naming the first one that is not a demo flag, with the valid ones. */
export function demoArgs(argv: readonly string[]): ReadonlySet<DemoFlag> {
  const flags = new Set<DemoFlag>();
  for (const arg of argv) {
    const flag = arg === '-h' ? '--help' : arg;
    if (!Object.hasOwn(DEMO_FLAGS, flag))
      throw new DemoArgsError(
        `unknown ${arg.startsWith('-') ? 'flag' : 'argument'} "${arg}"; the demo takes ${Object.keys(DEMO_FLAGS).join(', ')} or nothing`,
      );
    flags.add(flag as DemoFlag);
  }
  return flags;
}

/** `npm start -- --help`. */
export function demoHelp(): string {
  const width = Math.max(...Object.keys(DEMO_FLAGS).map((f) => f.length));
  return [
    'usage: npm start [-- FLAG]   (docs/demo.md)',
    '',
    `  ${'(none)'.padEnd(width)}  about 30 s of traffic: a simulated model turns toxic and slow, the breaker trips and recovers`,
    ...Object.entries(DEMO_FLAGS).map(([flag, what]) => `  ${flag.padEnd(width)}  ${what}`),
    '',
  ].join('\n');
}
