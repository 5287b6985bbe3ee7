import type { z } from 'zod';
import type { Rule } from './types.js';

/**
 * A classic zod schema as a rule, for option checks off the guard's path (`fairness()`), so
 * `parseOptions` reports them alike and the guard's path holds no zod code, not even an adapter.
 */
export function fromZod<S extends z.ZodType>(schema: S): Rule<z.output<S>, z.input<S>> {
  return {
    kind: 'zod',
    expected: 'valid options',
    parse(value, path, issues) {
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) {
        issues.push({
          path: [...path, ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))],
          message: issue.message,
          ...(issue.code === 'unrecognized_keys' && { unknownKeys: issue.keys }),
        });
      }
      return value as z.output<S>;
    },
  };
}
