/**
 * `safety-breaker` — validate a config, print its JSON Schema, replay recorded traffic against
 * it, run a drill, or draft a post-mortem. Commands and flags: usage.ts; exit codes: `EXIT` and docs/cli.md.
 */
import { realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatIssue, isConfigError } from '../config/errors.js';
import { loadConfig, parseConfig, parseYaml, describeIssue, sortIssues, unwrapUnion } from '../config/load.js';
import { closest } from '../rules/closest.js';
import { configJsonSchema, type SafetyBreakerConfig } from '../config/schema.js';
import { packageVersion } from '../telemetry/version.js';
import { parseTrafficLine, TrafficLineError } from '../traffic/format.js';
import { DEFAULT_MAX_LINE_BYTES, FileChunks, lineBatches } from '../traffic/lines.js';
import { Replay, type ReplayReport } from '../traffic/replay.js';
import { builtinScenarios, generateTraffic, scenarioSchema, type Scenario } from '../traffic/scenarios.js';
import { incidents as incidentLog } from '../incidents/log.js';
import type { IncidentRecord } from '../incidents/record.js';
import { fileSink, memorySink } from '../incidents/sink.js';
import { formatCompare, formatReport } from './format.js';
import { findIncident, formatIncidents, renderPostmortem, writeOut } from './incidents.js';
import { COMMANDS, commandHelp, HELP_FLAG, usage, type CommandName } from './usage.js';
import { InputError, onPath, readingPath } from './input.js';

export const EXIT = {
  OK: 0,
  INVALID_CONFIG: 1,
  USAGE: 2,
  INVALID_INPUT: 3,
  EXPECTATION_FAILED: 4,
  INTERNAL: 70,
} as const;

/** Where the CLI writes; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Show a progress bar (stderr is a TTY). */
  readonly progress: boolean;
}

const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t),
  progress: process.stderr.isTTY === true,
};

class UsageError extends Error {
  /** The command whose usage to show; none: the CLI's. */
  constructor(
    message: string,
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate':
        return await validate(rest, io);
      case 'schema': {
        if (parseArgs({ args: [...rest], options: withHelp(COMMANDS.schema.flags) }).values.help)
          return help(io, 'schema');
        io.out(JSON.stringify(configJsonSchema(), null, 2));
        return EXIT.OK;
      }
      case 'replay':
        return await replay(rest, io);
      case 'drill':
        return await drill(rest, io);
      case 'postmortem':
        return await postmortem(rest, io);
      case undefined:
        io.err(usage());
        return EXIT.USAGE;
      case 'help':
      case '--help':
      case '-h': {
        const [about, ...extra] = rest;
        if (extra.length > 0 || (about !== undefined && !isCommand(about)))
          throw new UsageError(`help takes one of ${Object.keys(COMMANDS).join(', ')} or nothing`);
        io.out(about === undefined ? usage() : commandHelp(about));
        return EXIT.OK;
      }
      case '--version':
      case '-V':
      case 'version':
        io.out(packageVersion());
        return EXIT.OK;
      default: {
        const guess = closest(command, [...Object.keys(COMMANDS), 'help', 'version']);
        throw new UsageError(`unknown command "${command}"${guess ? ` — did you mean "${guess}"?` : ''}`);
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
      const about = error instanceof UsageError ? error.command : isCommand(command) ? command : undefined;
      const how = about ? commandHelp(about) : usage();
      io.err(`safety-breaker: ${(error as Error).message}\n\n${how}`);
      return EXIT.USAGE;
    }
    if (isConfigError(error)) {
      io.err(`${sortIssues(error.issues).map(formatIssue).join('\n')}\n`);
      return EXIT.INVALID_CONFIG;
    }
    if (error instanceof InputError) {
      io.err(`${error.message}\n`);
      return EXIT.INVALID_INPUT;
    }
    io.err(`safety-breaker: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.INTERNAL;
  }
}

const isCommand = (name: string | undefined): name is CommandName =>
  name !== undefined && Object.hasOwn(COMMANDS, name);

/** A command's flags, as usage.ts defines them, and -h/--help. */
const withHelp = <F extends object>(flags: F): F & { help: typeof HELP_FLAG } => ({ ...flags, help: HELP_FLAG });

function help(io: CliIO, name: CommandName): number {
  io.out(commandHelp(name));
  return EXIT.OK;
}

async function validate(args: readonly string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: withHelp(COMMANDS.validate.flags),
  });
  if (values.help) return help(io, 'validate');
  if (positionals.length !== 1) throw new UsageError('validate takes one FILE', 'validate');
  const file = positionals[0]!;
  const config = await loadConfig(file);
  const names = Object.keys(config.breakers);
  io.out(`${file}: valid — ${names.length} breaker${names.length === 1 ? '' : 's'}: ${names.join(', ')}`);
  return EXIT.OK;
}

async function replay(args: readonly string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: withHelp(COMMANDS.replay.flags),
  });
  if (values.help) return help(io, 'replay');
  if (!values.config) throw new UsageError('replay needs --config FILE', 'replay');
  if (positionals.length !== 1) throw new UsageError('replay takes one TRAFFIC.jsonl file', 'replay');
  const format = checkFormat(values.format, 'replay');
  const traffic = positionals[0]!;
  const reorderMs = values['reorder-ms'] === undefined ? undefined : Number(values['reorder-ms']);
  if (reorderMs !== undefined && !(reorderMs >= 0))
    throw new UsageError(`--reorder-ms must be a number of milliseconds >= 0 (got ${values['reorder-ms']})`, 'replay');
  const maxLineBytes =
    values['max-line-bytes'] === undefined ? DEFAULT_MAX_LINE_BYTES : Number(values['max-line-bytes']);
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1)
    throw new UsageError(
      `--max-line-bytes must be a whole number of bytes >= 1 (got ${values['max-line-bytes']})`,
      'replay',
    );
  const configs = [await loadConfig(values.config), ...(values.compare ? [await loadConfig(values.compare)] : [])];
  const { size } = await onPath(traffic, 'read the traffic log', () => stat(traffic));
  const replays = configs.map((c) => new Replay(c, reorderMs === undefined ? {} : { reorderMs }));
  await readTraffic(traffic, size, replays, { progress: values.progress ?? io.progress, maxLineBytes }, io);
  const reports = await Promise.all(replays.map((r) => r.finish()));
  print(io, format, reports, [values.config, values.compare ?? ''], `replay of ${traffic}`);
  return reports[0]!.malformed.count > 0 ? EXIT.INVALID_INPUT : EXIT.OK;
}

/**
 * Streams the log line by line (memory: a 1 MB buffer plus a line of at most `maxLineBytes`),
 * feeding every replay; malformed and over-long lines are counted with their numbers.
 */
async function readTraffic(
  file: string,
  size: number,
  replays: readonly Replay[],
  { progress, maxLineBytes }: { progress: boolean; maxLineBytes: number },
  io: CliIO,
): Promise<void> {
  const source = new FileChunks(file);
  const chunks = readingPath(file, 'read the traffic log', source);
  let lineNo = 0;
  let lastDraw = 0;
  const draw = (done: boolean) => {
    const f = size > 0 ? Math.min(1, source.bytesRead / size) : 1;
    const width = 30;
    const bar = '█'.repeat(Math.round(f * width)).padEnd(width, '░');
    io.err(
      `\r${bar} ${(f * 100).toFixed(0).padStart(3)} %  ${lineNo.toLocaleString('en-US')} lines${done ? '\n' : ''}`,
    );
  };
  const bytes = (n: number) => n.toLocaleString('en-US');
  for await (const batch of lineBatches(chunks, maxLineBytes))
    for (const raw of batch) {
      lineNo++;
      if (typeof raw !== 'string') {
        const reason = `line too long: ${bytes(raw.bytes)} bytes, over the ${bytes(maxLineBytes)}-byte cap (--max-line-bytes); skipped`;
        for (const r of replays) r.malformed(lineNo, reason);
        continue;
      }
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.trim() === '') continue;
      let parsed;
      try {
        parsed = parseTrafficLine(text, lineNo);
      } catch (error) {
        if (!(error instanceof TrafficLineError)) throw error;
        for (const r of replays) r.malformed(lineNo, error.reason);
        continue;
      }
      for (const r of replays) await r.push(parsed, lineNo);
      if (progress && (lineNo & 0x3ff) === 0) {
        const now = Date.now();
        if (now - lastDraw > 200) {
          lastDraw = now;
          draw(false);
        }
      }
    }
  if (progress) draw(true);
}

async function drill(args: readonly string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: withHelp(COMMANDS.drill.flags),
  });
  if (values.help) return help(io, 'drill');
  if (values.list) {
    for (const s of Object.values(builtinScenarios)) io.out(`${s.name.padEnd(16)} ${s.description ?? ''}`);
    return EXIT.OK;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      `drill takes one SCENARIO: a built-in (${Object.keys(builtinScenarios).join(', ')}) or a scenario file`,
      'drill',
    );
  const format = checkFormat(values.format, 'drill');
  const scenario = await loadScenario(positionals[0]!);
  const config = values.config ? await loadConfig(values.config) : DRILL_CONFIG();
  const breaker = scenario.breaker ?? Object.keys(config.breakers)[0];
  if (!breaker || !config.breakers[breaker])
    throw new InputError(
      `scenario ${scenario.name}: breaker "${breaker}" is not in the config (breakers: ${Object.keys(config.breakers).join(', ')})`,
    );
  // The drill's incidents: what the breaker's incident log would hold (in virtual time).
  const written = memorySink();
  const log = incidentLog({ sink: written, clocks: [] });
  const replay = new Replay(config, { incidents: log });
  let line = 0;
  for (const l of generateTraffic(scenario, breaker, config.breakers[breaker]!.fallbacks)) await replay.push(l, ++line);
  const report = await replay.finish();
  const opened = log.list().reverse();
  await log.close();
  // Appended once the drill is done, outside the log: a live log only logs a failed write, the CLI must fail on it.
  if (values.incidents) await appendIncidents(values.incidents, written.lines);
  const failures = checkExpectations(scenario, report, breaker);
  if (format === 'json')
    io.out(
      JSON.stringify(
        {
          scenario: scenario.name,
          report,
          incidents: opened,
          expectations: { met: failures.length === 0, failures },
        },
        null,
        2,
      ),
    );
  else {
    io.out(
      formatReport(
        report,
        `drill ${scenario.name}${values.config ? ` with ${values.config}` : ' with the built-in drill config'}: ${scenario.description}`,
      ),
    );
    io.out(`\n${formatIncidents(opened)}`);
    if (scenario.expect)
      io.out(
        failures.length === 0
          ? '\n✓ every expectation met'
          : `\n✗ expectations not met:\n${failures.map((f) => `  - ${f}`).join('\n')}`,
      );
  }
  return failures.length > 0 ? EXIT.EXPECTATION_FAILED : EXIT.OK;
}

/** Appends incident log lines to `file` (directories created) as the incident log's file sink writes them. */
async function appendIncidents(file: string, lines: readonly string[]): Promise<void> {
  await onPath(file, "append the drill's incidents", async () => {
    const sink = fileSink(file);
    try {
      for (const [i, l] of lines.entries()) await sink.write(JSON.parse(l) as IncidentRecord, i === lines.length - 1);
    } finally {
      await sink.close();
    }
  });
}

async function postmortem(args: readonly string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: withHelp(COMMANDS.postmortem.flags),
  });
  if (values.help) return help(io, 'postmortem');
  if (positionals.length !== 1) throw new UsageError('postmortem takes one INCIDENT-ID or FILE', 'postmortem');
  if (values.format !== 'markdown' && values.format !== 'json')
    throw new UsageError(`--format must be markdown or json (got ${values.format})`, 'postmortem');
  const record = await findIncident(positionals[0]!, values.log);
  await writeOut(renderPostmortem(record, values.format), values.out, (t) => io.out(t));
  return EXIT.OK;
}

function checkExpectations(s: Scenario, report: ReplayReport, breaker: string): string[] {
  const e = s.expect;
  const b = report.breakers[breaker];
  if (!e || !b) return [];
  const failures: string[] = [];
  const trips = b.trips.filter((t) => !t.reopen);
  if (e.minTrips !== undefined && trips.length < e.minTrips)
    failures.push(`at least ${e.minTrips} trip(s) expected, got ${trips.length}`);
  if (e.maxTrips !== undefined && trips.length > e.maxTrips)
    failures.push(`at most ${e.maxTrips} trip(s) expected, got ${trips.length}`);
  if (e.maxTimeToDetectMs !== undefined && trips[0] && trips[0].timeToDetectMs > e.maxTimeToDetectMs)
    failures.push(`detection within ${e.maxTimeToDetectMs} ms expected, took ${trips[0].timeToDetectMs} ms`);
  if (e.maxUnsafeReachedUsers !== undefined && b.unsafeReachedUsers > e.maxUnsafeReachedUsers)
    failures.push(
      `at most ${e.maxUnsafeReachedUsers} unsafe outputs reaching users expected, got ${b.unsafeReachedUsers}`,
    );
  if (e.maxFalseTrips !== undefined && (b.falseTrips ?? 0) > e.maxFalseTrips)
    failures.push(`at most ${e.maxFalseTrips} false trip(s) expected, got ${b.falseTrips}`);
  return failures;
}

/** A built-in name, or a YAML/JSON scenario file (errors with line and column). */
export async function loadScenario(ref: string): Promise<Scenario> {
  const builtin = builtinScenarios[ref];
  if (builtin) return scenarioSchema.parse(builtin);
  let text: string;
  try {
    text = await readFile(ref, 'utf8');
  } catch {
    const guess = closest(ref, Object.keys(builtinScenarios));
    throw new InputError(
      `"${ref}" is neither a built-in scenario (${Object.keys(builtinScenarios).join(', ')}) nor a readable scenario file${guess ? ` — did you mean "${guess}"?` : ''}`,
    );
  }
  let parsed;
  try {
    parsed = parseYaml(text, ref);
  } catch (error) {
    if (isConfigError(error)) throw new InputError(sortIssues(error.issues).map(formatIssue).join('\n'));
    throw error;
  }
  const result = scenarioSchema.safeParse(parsed.value);
  if (!result.success) {
    const issues = result.error.issues.flatMap(unwrapUnion).map((i) =>
      describeIssue(i, {
        file: ref,
        doc: parsed.doc,
        lines: parsed.lines,
        value: parsed.value,
        schema: scenarioSchema,
      }),
    );
    throw new InputError(sortIssues(issues).map(formatIssue).join('\n'));
  }
  return result.data;
}

/** The config a drill uses without --config: what docs/sre-guide.md suggests as a start. */
export const DRILL_CONFIG_YAML = `breakers:
  chat:
    detectors:
      toxicity: {}
      latency: { slowMs: 8000 }
    trip:
      - { policy: wilson, threshold: 0.05, confidence: 0.99, minimumCalls: 50, window: { kind: time, durationMs: 60000 } }
    recovery: { afterMs: 30000, probes: 3 }
    fallbacks: [backup]
`;
const DRILL_CONFIG = (): SafetyBreakerConfig => parseConfig(DRILL_CONFIG_YAML, '<built-in drill config>');

function checkFormat(format: string | undefined, command: CommandName): 'text' | 'json' {
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json (got ${format})`, command);
  return format;
}

function print(io: CliIO, format: 'text' | 'json', reports: ReplayReport[], names: string[], title: string): void {
  if (format === 'json')
    io.out(
      JSON.stringify(reports.length === 1 ? reports[0] : { [names[0]!]: reports[0], [names[1]!]: reports[1] }, null, 2),
    );
  else if (reports.length === 1) io.out(formatReport(reports[0]!, `${title} with ${names[0]}`));
  else
    io.out(
      `${formatReport(reports[0]!, `${title} with ${names[0]}`)}\n\n${formatReport(reports[1]!, `${title} with ${names[1]}`)}\n\n${formatCompare(reports[0]!, reports[1]!, names[0]!, names[1]!)}`,
    );
}

/** True when this module is the program node runs (the bin), not an import. */
function isEntry(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
