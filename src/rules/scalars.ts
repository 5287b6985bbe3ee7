import { mismatch, plural, type Issue, type Path, type Rule } from './types.js';

export interface NumberBounds {
  readonly int?: boolean;
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
}
export interface NumberRule extends Rule<number>, NumberBounds {
  readonly kind: 'number';
}

const BOUNDS = [
  ['gt', '>', (v: number, b: number) => v > b],
  ['gte', '>=', (v: number, b: number) => v >= b],
  ['lt', '<', (v: number, b: number) => v < b],
  ['lte', '<=', (v: number, b: number) => v <= b],
] as const;

/** A finite number (an integer with `int`) within the bounds given. */
export function number(bounds: NumberBounds = {}): NumberRule {
  const noun = bounds.int ? 'an integer' : 'a number';
  const limits = BOUNDS.filter(([key]) => bounds[key] !== undefined);
  const range = limits.map(([key, op]) => `${op} ${bounds[key]}`).join(' and ');
  const expected = range ? `${noun} ${range}` : noun;
  return {
    kind: 'number',
    ...bounds,
    expected,
    parse(value, path, issues) {
      if (typeof value !== 'number' || !Number.isFinite(value) || (bounds.int && !Number.isInteger(value))) {
        issues.push(mismatch(path, value, expected));
      } else {
        const broken = limits.find(([key, , holds]) => !holds(value, bounds[key]!));
        if (broken) issues.push({ path, message: `must be ${noun} ${broken[1]} ${bounds[broken[0]]}` });
      }
      return value as number;
    },
  };
}

export interface StringOptions {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  /** Said when `pattern` does not match (default: "must match /…/"). */
  readonly patternMessage?: string;
}
export interface StringRule extends Rule<string>, StringOptions {
  readonly kind: 'string';
}

export function string(options: StringOptions = {}): StringRule {
  const { min, max, pattern, patternMessage } = options;
  const expected = min ? 'a non-empty string' : 'a string';
  return {
    kind: 'string',
    ...options,
    expected,
    parse(value, path, issues) {
      if (typeof value !== 'string') issues.push(mismatch(path, value, expected));
      else if (min !== undefined && value.length < min)
        issues.push({ path, message: `must have at least ${plural(min, 'character')}` });
      else if (max !== undefined && value.length > max)
        issues.push({ path, message: `must have at most ${plural(max, 'character')}` });
      else if (pattern && !pattern.test(value))
        issues.push({ path, message: patternMessage ?? `must match ${pattern}` });
      return value as string;
    },
  };
}

export interface BooleanRule extends Rule<boolean> {
  readonly kind: 'boolean';
}

export function boolean(): BooleanRule {
  return { kind: 'boolean', expected: 'true or false', parse: exactly((v) => typeof v === 'boolean', 'true or false') };
}

export type Literal = string | number | boolean;
export interface LiteralRule<V extends Literal> extends Rule<V> {
  readonly kind: 'literal';
  readonly value: V;
}

export function literal<const V extends Literal>(value: V): LiteralRule<V> {
  const expected = JSON.stringify(value);
  return { kind: 'literal', value, expected, parse: exactly((v) => v === value, expected) };
}

export interface OneOfRule<V extends string> extends Rule<V> {
  readonly kind: 'oneOf';
  readonly values: readonly V[];
}

export function oneOf<const V extends string>(values: readonly V[]): OneOfRule<V> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return { kind: 'oneOf', values, expected, parse: exactly((v) => values.includes(v as V), expected) };
}

export interface CustomRule<T> extends Rule<T> {
  readonly kind: 'custom';
  readonly message: string;
  test(value: unknown): boolean;
}

/** Any value `test` accepts; `message` says what else it should be: "must be …" (a union joins the rest with "or"). */
export function custom<T>(test: (value: unknown) => boolean, message: string): CustomRule<T> {
  const expected = message.replace(/^must be /, '');
  return { kind: 'custom', test, message, expected, parse: exactly(test, expected) };
}

/** A parse that accepts what `test` does and returns it unchanged. */
function exactly<T>(test: (value: unknown) => boolean, expected: string) {
  return (value: unknown, path: Path, issues: Issue[]): T => {
    if (!test(value)) issues.push(mismatch(path, value, expected));
    return value as T;
  };
}
