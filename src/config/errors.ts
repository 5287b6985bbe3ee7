/** Config errors that say where: file, line, column, path, what was expected and what was found. */

/** One problem in a config file. */
export interface ConfigIssue {
  readonly file: string;
  /** 1-based; 0 when the problem has no place in the file (e.g. a missing binding in code). */
  readonly line: number;
  /** 1-based; 0 when unknown. */
  readonly column: number;
  /** Dotted path, e.g. `breakers.chat.detectors.toxicity.block`; '' for the whole file. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
  /** One readable sentence. */
  readonly message: string;
}

const BRAND = Symbol.for('safety-breaker.config-error');

/** A config file (or a traffic/scenario file) is invalid. `issues` lists every problem found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'SAFETY_BREAKER_CONFIG_INVALID';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      issues.length === 1
        ? formatIssue(issues[0]!)
        : `${issues.length} problems:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`,
    );
    this.issues = issues;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for a `ConfigError`, also from a second copy of this package. */
export function isConfigError(error: unknown): error is ConfigError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** `file:line:column path: message (expected …, found …)` — the form editors and CI logs link. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const path = issue.path ? ` ${issue.path}:` : '';
  return `${where}${path} ${issue.message} (expected ${issue.expected}, found ${issue.found})`;
}
