import { loadOptionalPeer } from './optional-peer.js';
import { redact } from './redact.js';

/**
 * The logger interface: the subset of pino's API this package uses, so the app's pino logger
 * (or any compatible one) can be passed in. Records carry breaker names, states, detector names
 * and numbers; never prompts or outputs.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The quiet default: logs nothing. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

export function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const l = value as Record<string, unknown>;
  return ['debug', 'info', 'warn', 'error'].every((level) => typeof l[level] === 'function');
}

/**
 * The parts of an error safe to log: name, code, status and message (never a provider response
 * body). The message is redacted like content: a provider that echoes the prompt must not leak it.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: typeof error };
  const e = error as Error & { code?: unknown; status?: unknown };
  return {
    err: {
      name: e.name,
      message: redact(String(e.message)),
      ...(e.code !== undefined && { code: e.code }),
      ...(e.status !== undefined && { status: e.status }),
    },
  };
}

/**
 * Fields pino censors in loggers made by {@link createLogger}: call payloads (prompts, outputs,
 * messages) at the top level or one level down. Spread them into your own pino `redact.paths`
 * if your app logs requests next to safety-breaker's records.
 */
export const REDACT_PATHS: readonly string[] = [
  'prompt',
  'output',
  'completion',
  'messages',
  'input',
  'content',
  'text',
].flatMap((k) => [k, `*.${k}`]);

/** Options of {@link createLogger}: pino's own options (level, transport, …); `redact` is extended, never replaced. */
export interface CreateLoggerOptions {
  readonly level?: string;
  readonly name?: string;
  /** Extra paths to censor, on top of {@link REDACT_PATHS}. */
  readonly redact?: readonly string[];
  /** Where records go (a pino destination or any writable stream). Default: stdout. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * A pino logger with safety-breaker's defaults: name `safety-breaker`, level `info`, and call
 * payloads censored. Loads `pino` (an optional peer) on first use. Prefer passing your app's
 * own pino logger to `guard({ logger })`; use this when the app has none.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pino = loadOptionalPeer<typeof import('pino')>('pino', 'createLogger()');
  const factory = ((pino as unknown as { default?: unknown }).default ?? pino) as (
    opts: object,
    stream?: NodeJS.WritableStream,
  ) => Logger;
  const opts = {
    name: options.name ?? 'safety-breaker',
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: '[REDACTED]' },
  };
  return options.destination ? factory(opts, options.destination) : factory(opts);
}
