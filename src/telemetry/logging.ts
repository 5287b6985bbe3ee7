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

/** The parts of an error safe to log: name, code, status and message (never a provider response body). */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: typeof error };
  const e = error as Error & { code?: unknown; status?: unknown };
  return { err: { name: e.name, message: e.message, ...(e.code !== undefined && { code: e.code }), ...(e.status !== undefined && { status: e.status }) } };
}
