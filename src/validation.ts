import { closest, type Issue, type Key, type Rule } from './rules/index.js';

/**
 * Checks options with a rule (a zod schema goes through `fromZod`); on failure throws a
 * `TypeError` that names every bad option by its path, e.g.
 * `guard("chat"): option "recovery.probes": must be an integer >= 1 (got 0)`.
 */
export function parseOptions<O>(rule: Rule<O, unknown>, input: unknown, where: string): O {
  const issues: Issue[] = [];
  const value = rule.parse(input, [], issues);
  if (issues.length === 0) return value;
  throw new TypeError(`${where}: ${formatIssues(issues, input)}`);
}

export function formatIssues(issues: readonly Issue[], input: unknown): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.unknownKeys) {
        const at = path ? `${path}.` : '';
        const keys = issue.unknownKeys.map((k) => {
          const guess = issue.knownKeys && closest(k, issue.knownKeys);
          return `"${at}${k}"${guess ? ` (did you mean "${at}${guess}"?)` : ''}`;
        });
        return `unknown option ${keys.join(', ')}`;
      }
      const got = valueAt(input, issue.path);
      return `option "${path || '(options)'}": ${issue.message}${got === NOT_FOUND ? '' : ` (got ${show(got)})`}`;
    })
    .join('; ');
}

const NOT_FOUND = Symbol('not found');

function valueAt(input: unknown, path: readonly Key[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !(key in value)) return NOT_FOUND;
    value = (value as Record<Key, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
