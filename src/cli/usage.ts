/**
 * The CLI's commands and flags, defined once: `parseArgs` reads the flags from here, the help
 * texts are printed from here, and docs/cli.md shows the same synopsis (test/cli/help.test.ts
 * keeps it so).
 */
import { DEFAULT_LOG_PATH } from '../incidents/options.js';
import { DEFAULT_MAX_LINE_BYTES } from '../traffic/lines.js';
import { DEFAULT_REORDER_MS } from '../traffic/replay.js';
import { builtinScenarios } from '../traffic/scenarios.js';

interface Flag {
  readonly type: 'string' | 'boolean';
  /** What the value is, in the synopsis: FILE, N, text|json. */
  readonly value?: string;
  readonly default?: string;
  readonly help: string;
  /** Needed: shown without brackets, before the arguments. */
  readonly required?: true;
  /** A form of the command on its own (`drill --list`). */
  readonly alone?: true;
}

interface Command {
  /** The positional argument, '' for none. */
  readonly args: string;
  readonly summary: string;
  readonly flags: Readonly<Record<string, Flag>>;
}

const format = (values: string, help: string) =>
  ({ type: 'string', value: values, default: values.split('|')[0]!, help }) as const;

export const COMMANDS = {
  validate: {
    args: 'FILE',
    summary: 'check a config file: every problem, each with file:line:column',
    flags: {},
  },
  schema: { args: '', summary: "print the config's JSON Schema (for editors)", flags: {} },
  replay: {
    args: 'TRAFFIC.jsonl',
    summary: 'run the config over recorded traffic in virtual time',
    flags: {
      config: { type: 'string', value: 'FILE', required: true, help: 'the config to replay' },
      compare: {
        type: 'string',
        value: 'OTHER.yaml',
        help: 'a second config: replay both in one pass and compare them side by side',
      },
      format: format('text|json', 'the report as text, or as one JSON object'),
      progress: { type: 'boolean', help: 'draw the progress bar on stderr even when it is not a TTY' },
      'reorder-ms': {
        type: 'string',
        value: 'N',
        help: `how far (ms of traffic) a line may come after later-starting ones (default ${DEFAULT_REORDER_MS})`,
      },
      'max-line-bytes': {
        type: 'string',
        value: 'N',
        help: `skip and report lines longer than N bytes (default ${DEFAULT_MAX_LINE_BYTES})`,
      },
    },
  },
  drill: {
    args: 'SCENARIO',
    summary: `run a scripted incident and list the incidents it opens; SCENARIO is a scenario file or a built-in: ${Object.keys(builtinScenarios).join(', ')}`,
    flags: {
      config: { type: 'string', value: 'FILE', help: 'drill this config (default: the built-in drill config)' },
      format: format('text|json', 'the report as text, or as one JSON object'),
      incidents: { type: 'string', value: 'FILE', help: 'append the incidents it opens to this incident log' },
      list: { type: 'boolean', alone: true, help: 'list the built-in scenarios' },
    },
  },
  postmortem: {
    args: 'INCIDENT-ID|FILE',
    summary: 'a blameless post-mortem draft of an incident (by id in --log, or a file holding one)',
    flags: {
      log: { type: 'string', value: 'FILE', help: `the incident log to find the id in (default ${DEFAULT_LOG_PATH})` },
      format: format('markdown|json', 'the draft as Markdown, or as data'),
      out: { type: 'string', value: 'FILE', help: 'write the draft to FILE instead of stdout' },
    },
  },
} as const satisfies Readonly<Record<string, Command>>;

export type CommandName = keyof typeof COMMANDS;

/** Every command takes it. */
export const HELP_FLAG = { type: 'boolean', short: 'h' } as const;

const EXIT_CODES =
  'exit codes: 0 ok · 1 invalid config · 2 usage error · 3 invalid input (traffic, scenario, incident, a path that cannot be read or written) · 4 drill expectation not met · 70 internal error';

const flagText = (name: string, f: Flag) => `--${name}${f.value ? ` ${f.value}` : ''}`;

/** The command's forms, as `safety-breaker …` lines: `drill SCENARIO [--config FILE] …` and `drill --list`. */
function forms(name: CommandName): string[] {
  const flags = Object.entries(COMMANDS[name].flags as Readonly<Record<string, Flag>>);
  const main = [
    name,
    ...flags.filter(([, f]) => f.required).map(([n, f]) => flagText(n, f)),
    ...(COMMANDS[name].args ? [COMMANDS[name].args] : []),
    ...flags.filter(([, f]) => !f.required && !f.alone).map(([n, f]) => `[${flagText(n, f)}]`),
  ];
  return [main.join(' '), ...flags.filter(([, f]) => f.alone).map(([n, f]) => `${name} ${flagText(n, f)}`)].map(
    (form) => `safety-breaker ${form}`,
  );
}

/** Every form of every command, one a line: docs/cli.md opens with the same. */
export function synopsis(): string[] {
  return [
    ...(Object.keys(COMMANDS) as CommandName[]).flatMap(forms),
    'safety-breaker --version',
    'safety-breaker COMMAND --help',
  ];
}

/** `safety-breaker --help`: every command with every flag. */
export function usage(): string {
  const lines = ['usage: safety-breaker COMMAND [FLAGS]', ''];
  for (const name of Object.keys(COMMANDS) as CommandName[])
    lines.push(...forms(name).map((f) => `  ${f}`), `      ${COMMANDS[name].summary}`);
  lines.push('  safety-breaker --version', '      print the version');
  lines.push('  safety-breaker COMMAND --help', "      a command's flags, each with what it does");
  return `${lines.join('\n')}\n\n${EXIT_CODES}\n`;
}

/** `safety-breaker COMMAND --help`: its forms, what it does, and each flag. */
export function commandHelp(name: CommandName): string {
  const flags: [string, string][] = Object.entries(COMMANDS[name].flags as Readonly<Record<string, Flag>>).map(
    ([n, f]) => [
      flagText(n, f),
      `${f.help}${f.required ? ' (required)' : ''}${f.default !== undefined ? ` (default ${f.default})` : ''}`,
    ],
  );
  flags.push(['-h, --help', 'print this help']);
  const width = Math.max(...flags.map(([f]) => f.length));
  return [
    `usage: ${forms(name).join('\n       ')}`,
    '',
    COMMANDS[name].summary,
    '',
    ...flags.map(([f, help]) => `  ${f.padEnd(width)}  ${help}`),
    '',
    `docs/cli.md#${name}`,
    '',
  ].join('\n');
}
