import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  array,
  boolean,
  custom,
  literal,
  number,
  object,
  oneOf,
  optional,
  refine,
  string,
  tagged,
  union,
  validate,
  withDefault,
  type AnyRule,
  type InputOf,
  type Issue,
  type OutputOf,
} from '../src/rules/index.js';
import { parseOptions } from '../src/validation.js';

/** The issues a rule finds, as `path: message` lines. */
function problems(rule: AnyRule, value: unknown): string[] {
  const result = validate(rule, value);
  return result.ok ? [] : result.issues.map(line);
}
const line = (i: Issue) =>
  `${i.path.join('.')}: ${i.unknownKeys ? `unknown ${i.unknownKeys.join(', ')}` : i.message}`.trim();

describe('number', () => {
  it('checks the type, int and each bound, naming the bound broken', () => {
    const probes = number({ int: true, gte: 1, lte: 1_000 });
    expect(probes.expected).toBe('an integer >= 1 and <= 1000');
    expect(problems(probes, 3)).toEqual([]);
    expect(problems(probes, 0)).toEqual([': must be an integer >= 1']);
    expect(problems(probes, 1_001)).toEqual([': must be an integer <= 1000']);
    expect(problems(probes, 1.5)).toEqual([': must be an integer >= 1 and <= 1000']);
    expect(problems(probes, '3')).toEqual([': must be an integer >= 1 and <= 1000']);
    const ratio = number({ gt: 0, lt: 1 });
    expect(problems(ratio, 0)).toEqual([': must be a number > 0']);
    expect(problems(ratio, 1)).toEqual([': must be a number < 1']);
    expect(problems(ratio, 0.5)).toEqual([]);
  });

  it('refuses NaN and infinities', () => {
    for (const v of [NaN, Infinity, -Infinity]) expect(problems(number(), v)).toEqual([': must be a number']);
  });
});

describe('string, boolean, literal, oneOf, custom', () => {
  it('string: type, length and pattern', () => {
    const name = string({ min: 1, max: 5, pattern: /^[a-z]+$/, patternMessage: 'must be lower case' });
    expect(problems(name, 'abc')).toEqual([]);
    expect(problems(name, '')).toEqual([': must have at least 1 character']);
    expect(problems(name, 'abcdef')).toEqual([': must have at most 5 characters']);
    expect(problems(name, 'ABC')).toEqual([': must be lower case']);
    expect(problems(name, 3)).toEqual([': must be a non-empty string']);
    expect(problems(string({ pattern: /^x/ }), 'y')).toEqual([': must match /^x/']);
  });

  it('boolean, literal and oneOf accept exactly their values', () => {
    expect(problems(boolean(), false)).toEqual([]);
    expect(problems(boolean(), 'yes')).toEqual([': must be true or false']);
    expect(problems(literal(false), false)).toEqual([]);
    expect(problems(literal(false), 0)).toEqual([': must be false']);
    expect(problems(oneOf(['pass', 'block']), 'block')).toEqual([]);
    expect(problems(oneOf(['pass', 'block']), 'Block')).toEqual([': must be one of "pass", "block"']);
  });

  it('custom: the test decides; the message says what else it should be', () => {
    const fn = custom<() => void>((v) => typeof v === 'function', 'must be a function');
    expect(fn.expected).toBe('a function');
    expect(problems(fn, () => {})).toEqual([]);
    expect(problems(fn, 'f')).toEqual([': must be a function']);
  });
});

describe('optional and withDefault', () => {
  it('optional: undefined passes and stays undefined', () => {
    expect(validate(optional(number()), undefined)).toEqual({ ok: true, value: undefined });
    expect(problems(optional(number()), 'x')).toEqual([': must be a number']);
  });

  it('withDefault: the default is parsed by the inner rule, so {} gets the inner defaults', () => {
    const recovery = withDefault(object({ afterMs: withDefault(number({ gte: 0 }), 30_000), probes: number() }), {
      probes: 3,
    });
    expect(validate(recovery, undefined)).toEqual({ ok: true, value: { afterMs: 30_000, probes: 3 } });
    expect(validate(recovery, { probes: 1 })).toEqual({ ok: true, value: { afterMs: 30_000, probes: 1 } });
    const list = withDefault(array(number()), () => [1, 2]);
    const a = validate(list, undefined);
    const b = validate(list, undefined);
    expect(a).toEqual({ ok: true, value: [1, 2] });
    // A fresh value each time: two guards never share a default object.
    expect(a.ok && b.ok && a.value !== b.value).toBe(true);
  });
});

describe('object and array', () => {
  const rule = object({
    name: string({ min: 1 }),
    recovery: optional(object({ probes: number({ int: true, gte: 1 }) })),
    tags: optional(array(string(), { min: 1, max: 2 })),
  });

  it('reports nested paths, missing keys and unknown keys (strict)', () => {
    expect(problems(rule, { name: 'a', recovery: { probes: 0 } })).toEqual([
      'recovery.probes: must be an integer >= 1',
    ]);
    expect(problems(rule, {})).toEqual(['name: is required']);
    expect(problems(rule, { name: 'a', recovery: { after: 1, probes: 1 }, extra: 1 })).toEqual([
      'recovery: unknown after',
      ': unknown extra',
    ]);
    expect(problems(rule, { name: 'a', tags: ['x', 3] })).toEqual(['tags.1: must be a string']);
    expect(problems(rule, { name: 'a', tags: [] })).toEqual(['tags: must have at least 1 item']);
    expect(problems(rule, { name: 'a', tags: ['x', 'y', 'z'] })).toEqual(['tags: must have at most 2 items']);
    expect(problems(rule, [])).toEqual([': must be an object']);
  });

  it('returns a new object without the optional keys left out', () => {
    const input = { name: 'a' };
    const result = validate(rule, input);
    expect(result).toEqual({ ok: true, value: { name: 'a' } });
    expect(result.ok && result.value !== input).toBe(true);
    expect(result.ok && 'recovery' in result.value).toBe(false);
  });
});

describe('union', () => {
  const retry = union([literal(false), object({ retries: withDefault(number({ int: true, lte: 10 }), 2) })]);

  it('takes the first form that accepts the value', () => {
    expect(validate(retry, false)).toEqual({ ok: true, value: false });
    expect(validate(retry, {})).toEqual({ ok: true, value: { retries: 2 } });
  });

  it('blames the form that got furthest, or lists the forms when none fits the type', () => {
    expect(problems(retry, { retries: 11 })).toEqual(['retries: must be an integer <= 10']);
    expect(problems(retry, true)).toEqual([': must be false or an object']);
    // A list's own problem (too short) beats the other forms' type mismatch.
    expect(problems(union([number(), array(number(), { min: 1 })]), [])).toEqual([': must have at least 1 item']);
  });
});

describe('tagged', () => {
  const windowRule = tagged('kind', {
    count: object({ size: number({ int: true, gte: 1 }) }),
    time: object({ durationMs: number({ gt: 0 }) }),
  });

  it('picks the form by its tag and keeps the tag first', () => {
    const result = validate(windowRule, { size: 5, kind: 'count' });
    expect(result).toEqual({ ok: true, value: { kind: 'count', size: 5 } });
    expect(result.ok && Object.keys(result.value)).toEqual(['kind', 'size']);
  });

  it('an unknown or missing tag names the tags there are; the form checks the rest', () => {
    expect(problems(windowRule, { kind: 'tim' })).toEqual(['kind: must be one of "count", "time"']);
    expect(problems(windowRule, {})).toEqual(['kind: must be one of "count", "time"']);
    expect(problems(windowRule, { kind: 'time', durationMs: 0 })).toEqual(['durationMs: must be a number > 0']);
    expect(problems(windowRule, { kind: 'time', durationMs: 1, size: 2 })).toEqual([': unknown size']);
    expect(problems(windowRule, 'count')).toEqual([': must be an object whose kind is one of "count", "time"']);
  });
});

describe('refine', () => {
  const range = refine(object({ min: number(), max: number() }), (r) => r.max > r.min, 'max must be greater than min', [
    'max',
  ]);

  it('runs once the inner rule passes; the issue sits at its path', () => {
    expect(problems(range, { min: 1, max: 2 })).toEqual([]);
    expect(problems(range, { min: 2, max: 1 })).toEqual(['max: max must be greater than min']);
    expect(problems(range, { min: 2 })).toEqual(['max: is required']);
  });

  it('a test can return its own message and path', () => {
    const unique = refine(
      array(string()),
      (list) => {
        const i = list.findIndex((s, j) => list.indexOf(s) !== j);
        return i < 0 || { message: `"${list[i]}" is listed twice`, path: [i] };
      },
      'names must be unique',
    );
    expect(problems(unique, ['a', 'b', 'a'])).toEqual(['2: "a" is listed twice']);
    expect(problems(object({ names: unique }), { names: ['a', 'a'] })).toEqual(['names.1: "a" is listed twice']);
  });
});

describe('types', () => {
  it('infer the output (defaults filled) and the input (keys with defaults optional)', () => {
    const rule = object({
      mode: withDefault(oneOf(['enforce', 'shadow']), 'enforce'),
      probes: optional(number()),
      window: tagged('kind', { count: object({ size: number() }) }),
    });
    expectTypeOf<OutputOf<typeof rule>>().toEqualTypeOf<{
      mode: 'enforce' | 'shadow';
      window: { kind: 'count'; size: number };
      probes?: number | undefined;
    }>();
    expectTypeOf<InputOf<typeof rule>>().toEqualTypeOf<{
      window: { kind: 'count'; size: number };
      mode?: 'enforce' | 'shadow' | undefined;
      probes?: number | undefined;
    }>();
    expect(validate(rule, { window: { kind: 'count', size: 1 } })).toEqual({
      ok: true,
      value: { mode: 'enforce', window: { kind: 'count', size: 1 } },
    });
  });
});

describe('parseOptions', () => {
  it('throws one TypeError naming each bad option, with what it got', () => {
    const rule = object({ recovery: object({ probes: number({ int: true, gte: 1 }), after: optional(number()) }) });
    expect(() => parseOptions(rule, { recovery: { probes: 0, afterMs: 1 } }, 'guard("chat")')).toThrow(
      new TypeError(
        'guard("chat"): option "recovery.probes": must be an integer >= 1 (got 0); unknown option "recovery.afterMs" (did you mean "recovery.after"?)',
      ),
    );
    expect(() => parseOptions(rule, undefined, 'x()')).toThrow(
      'x(): option "(options)": must be an object (got undefined)',
    );
  });
});
