import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/** English messages, passed per parse: zod/mini loads no locale, and a global `z.config()` would change the app's own zod. */
let english: z.core.$ZodErrorMap | undefined;

/**
 * Parses options with a zod (or zod/mini) schema; on failure throws a `TypeError` that names every
 * bad option by its path, e.g. `guard("chat"): option "recovery.probes" must be >= 1 (got 0)`.
 */
export function parseOptions<S extends z.core.$ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  english ??= en().localeError;
  const result = z.safeParse(schema, input, { error: english });
  if (result.success) return result.data;
  throw new TypeError(`${where}: ${formatIssues(result.error.issues, input)}`);
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => `"${path ? `${path}.` : ''}${k}"`).join(', ');
        return `unknown option ${keys}`;
      }
      const got = valueAt(input, issue.path);
      return `option "${path || '(options)'}": ${issue.message}${got === NOT_FOUND ? '' : ` (got ${show(got)})`}`;
    })
    .join('; ');
}

const NOT_FOUND = Symbol('not found');

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !(key in value)) return NOT_FOUND;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
