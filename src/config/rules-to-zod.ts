/**
 * Converts a rule (src/rules/) to a classic zod schema, so the config file checks the very rules
 * `guard()` checks (trip policies, detector options) and keeps what zod gives it: issues the
 * loader places at a line and column, and the JSON Schema of `safety-breaker schema`.
 */
import { z } from 'zod';
import { validate, type AnyRule, type InputOf, type KnownRule, type OutputOf, type Rule } from '../rules/index.js';

export function ruleToZod<R extends Rule<unknown, unknown>>(rule: R): z.ZodType<OutputOf<R>, InputOf<R>> {
  return convert(rule) as z.ZodType<OutputOf<R>, InputOf<R>>;
}

function convert(rule: AnyRule): z.ZodType {
  const r = rule as KnownRule;
  switch (r.kind) {
    case 'number': {
      let s = r.int ? z.int() : z.number();
      if (r.gt !== undefined) s = s.gt(r.gt);
      if (r.gte !== undefined) s = s.gte(r.gte);
      if (r.lt !== undefined) s = s.lt(r.lt);
      if (r.lte !== undefined) s = s.lte(r.lte);
      return s;
    }
    case 'string': {
      let s = z.string();
      if (r.min !== undefined) s = s.min(r.min);
      if (r.max !== undefined) s = s.max(r.max);
      if (r.pattern) s = s.regex(r.pattern, r.patternMessage);
      return s;
    }
    case 'boolean':
      return z.boolean();
    case 'literal':
      return z.literal(r.value);
    case 'oneOf':
      return z.enum(r.values as [string, ...string[]]);
    case 'custom':
      return z.custom((v) => r.test(v), { message: r.message });
    case 'optional':
      return convert(r.inner).optional();
    case 'default': {
      // The rule parses its default (`{}` gets the inner defaults); zod does not, so it gets the parsed value.
      const { inner, value } = r;
      return convert(inner).default(() => {
        const result = validate(inner, typeof value === 'function' ? (value as () => unknown)() : value);
        if (!result.ok) throw new Error(`a rule's default does not pass the rule: ${result.issues[0]?.message}`);
        return result.value as NonNullable<unknown>;
      });
    }
    case 'object':
      return z.strictObject(mapShape(r.shape));
    case 'array': {
      let s = z.array(convert(r.item));
      if (r.min !== undefined) s = s.min(r.min);
      if (r.max !== undefined) s = s.max(r.max);
      return s;
    }
    case 'union':
      return z.union(r.options.map(convert) as [z.ZodType, z.ZodType, ...z.ZodType[]]);
    case 'tagged':
      return z.discriminatedUnion(
        r.tag,
        Object.entries(r.forms).map(([value, form]) => withTag(form, r.tag, value)) as [z.ZodObject, ...z.ZodObject[]],
      );
    case 'refine':
      return refined(convert(r.inner), r);
    default:
      throw new Error(`no zod schema for a rule of kind "${rule.kind}"`);
  }
}

const mapShape = (shape: Readonly<Record<string, AnyRule>>) =>
  Object.fromEntries(Object.entries(shape).map(([key, rule]) => [key, convert(rule)]));

/** One form of a tagged rule as a zod object whose first key is the tag (zod's discriminated union needs it there). */
function withTag(form: AnyRule, tag: string, value: string): z.ZodObject {
  const r = form as KnownRule;
  if (r.kind === 'object') return z.strictObject({ [tag]: z.literal(value), ...mapShape(r.shape) });
  if (r.kind === 'refine') return refined(withTag(r.inner, tag, value), r);
  throw new Error(`a form of a tagged rule must be an object rule (got ${r.kind})`);
}

function refined<S extends z.ZodType>(schema: S, r: Extract<KnownRule, { kind: 'refine' }>): S {
  return schema.superRefine((value, ctx) => {
    const verdict = r.test(value);
    if (verdict === true) return;
    const problem = verdict === false ? { message: r.message, path: r.path } : verdict;
    ctx.addIssue({ code: 'custom', message: problem.message, path: [...(problem.path ?? [])] });
  }) as S;
}
