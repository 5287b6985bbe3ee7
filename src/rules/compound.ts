import {
  isObject,
  mismatch,
  plural,
  type AnyRule,
  type InputOf,
  type Issue,
  type OutputOf,
  type Path,
  type Rule,
} from './types.js';

type Shape = Readonly<Record<string, AnyRule>>;
type Flat<T> = { [K in keyof T]: T[K] } & {};
/** Keys whose value may be undefined become optional keys, as in a hand-written options type. */
type Fields<T> = Flat<
  { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
    [K in keyof T as undefined extends T[K] ? K : never]?: T[K];
  }
>;
export type ObjectOutput<S extends Shape> = Fields<{ [K in keyof S]: OutputOf<S[K]> }>;
export type ObjectInput<S extends Shape> = Fields<{ [K in keyof S]: InputOf<S[K]> }>;

export interface OptionalRule<R extends AnyRule> extends Rule<OutputOf<R> | undefined, InputOf<R> | undefined> {
  readonly kind: 'optional';
  readonly inner: R;
}

/** `undefined` passes (and stays undefined); anything else must pass `inner`. */
export function optional<R extends AnyRule>(inner: R): OptionalRule<R> {
  return {
    kind: 'optional',
    inner,
    expected: inner.expected,
    parse: (value, path, issues) =>
      value === undefined ? undefined : (inner.parse(value, path, issues) as OutputOf<R>),
  };
}

export interface DefaultRule<R extends AnyRule> extends Rule<OutputOf<R>, InputOf<R> | undefined> {
  readonly kind: 'default';
  readonly inner: R;
  /**
   * Stands in for undefined, parsed by `inner` (so `{}` gets the inner defaults and every parse
   * returns fresh objects). A function is called for it, so a default cannot itself be a function.
   */
  readonly value: InputOf<R> | (() => InputOf<R>);
}

export function withDefault<R extends AnyRule>(inner: R, value: InputOf<R> | (() => InputOf<R>)): DefaultRule<R> {
  return {
    kind: 'default',
    inner,
    value,
    expected: inner.expected,
    parse(given, path, issues) {
      const v = given !== undefined ? given : typeof value === 'function' ? (value as () => unknown)() : value;
      return inner.parse(v, path, issues) as OutputOf<R>;
    },
  };
}

export interface ObjectRule<S extends Shape> extends Rule<ObjectOutput<S>, ObjectInput<S>> {
  readonly kind: 'object';
  readonly shape: S;
}

/** An object with exactly these keys: an unknown key is an issue (a typo must not pass silently). */
export function object<S extends Shape>(shape: S): ObjectRule<S> {
  return {
    kind: 'object',
    shape,
    expected: 'an object',
    parse(value, path, issues) {
      if (!isObject(value)) {
        issues.push(mismatch(path, value, 'an object'));
        return value as never;
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(shape)) {
        const v = shape[key]!.parse(value[key], [...path, key], issues);
        if (v !== undefined) out[key] = v;
      }
      const unknownKeys = Object.keys(value).filter((key) => !Object.hasOwn(shape, key));
      if (unknownKeys.length > 0)
        issues.push({ path, message: 'has unknown keys', unknownKeys, knownKeys: Object.keys(shape) });
      return out as ObjectOutput<S>;
    },
  };
}

export interface ArrayRule<R extends AnyRule> extends Rule<OutputOf<R>[], readonly InputOf<R>[]> {
  readonly kind: 'array';
  readonly item: R;
  readonly min?: number;
  readonly max?: number;
}

export function array<R extends AnyRule>(
  item: R,
  size: { readonly min?: number; readonly max?: number } = {},
): ArrayRule<R> {
  const { min, max } = size;
  return {
    kind: 'array',
    item,
    ...size,
    expected: 'an array',
    parse(value, path, issues) {
      if (!Array.isArray(value)) {
        issues.push(mismatch(path, value, 'an array'));
        return value as never;
      }
      if (min !== undefined && value.length < min)
        issues.push({ path, message: `must have at least ${plural(min, 'item')}` });
      if (max !== undefined && value.length > max)
        issues.push({ path, message: `must have at most ${plural(max, 'item')}` });
      return value.map((v, i) => item.parse(v, [...path, i], issues) as OutputOf<R>);
    },
  };
}

export interface UnionRule<R extends readonly AnyRule[]> extends Rule<OutputOf<R[number]>, InputOf<R[number]>> {
  readonly kind: 'union';
  readonly options: R;
}

/**
 * The first form that accepts the value. When none does, the issues of the form that got furthest
 * (deepest path) are reported, so `{ policy: 'rate', threshold: 2 }` says what is wrong with
 * the threshold rather than that no form matched.
 */
export function union<const R extends readonly AnyRule[]>(options: R): UnionRule<R> {
  const expected = options.map((o) => o.expected).join(' or ');
  return {
    kind: 'union',
    options,
    expected,
    parse(value, path, issues) {
      let best: Issue[] | undefined;
      for (const option of options) {
        const found: Issue[] = [];
        const out = option.parse(value, path, found);
        if (found.length === 0) return out as OutputOf<R[number]>;
        const wrongType = found.length === 1 && found[0]!.mismatch && found[0]!.path.length === path.length;
        if (!wrongType && (!best || depth(found) > depth(best))) best = found;
      }
      issues.push(...(best ?? [mismatch(path, value, expected)]));
      return value as never;
    },
  };
}

const depth = (issues: readonly Issue[]) => Math.max(...issues.map((i) => i.path.length));

type Forms = Readonly<Record<string, AnyRule>>;
type TaggedOutput<T extends string, F extends Forms> = {
  [K in keyof F & string]: Flat<{ [P in T]: K } & OutputOf<F[K]>>;
}[keyof F & string];
type TaggedInput<T extends string, F extends Forms> = {
  [K in keyof F & string]: Flat<{ [P in T]: K } & InputOf<F[K]>>;
}[keyof F & string];

export interface TaggedRule<T extends string, F extends Forms> extends Rule<TaggedOutput<T, F>, TaggedInput<T, F>> {
  readonly kind: 'tagged';
  readonly tag: T;
  /** One rule per tag value for the object's other keys (an `object`, maybe refined). */
  readonly forms: F;
}

/** A discriminated union: the `tag` key picks the form; an unknown tag names the tags there are. */
export function tagged<const T extends string, F extends Forms>(tag: T, forms: F): TaggedRule<T, F> {
  const choices = `one of ${Object.keys(forms)
    .map((t) => JSON.stringify(t))
    .join(', ')}`;
  const expected = `an object whose ${tag} is ${choices}`;
  return {
    kind: 'tagged',
    tag,
    forms,
    expected,
    parse(value, path, issues) {
      if (!isObject(value)) {
        issues.push(mismatch(path, value, expected));
        return value as never;
      }
      const { [tag]: which, ...rest } = value;
      const form = typeof which === 'string' && Object.hasOwn(forms, which) ? forms[which] : undefined;
      if (!form) {
        issues.push({ path: [...path, tag], message: `must be ${choices}` });
        return value as never;
      }
      return { [tag]: which, ...(form.parse(rest, path, issues) as object) } as TaggedOutput<T, F>;
    },
  };
}

/** What a refinement found wrong, when its message names the culprit. */
export interface Problem {
  readonly message: string;
  /** Below the refined value's own path. */
  readonly path?: Path;
}

export interface RefineRule<R extends AnyRule> extends Rule<OutputOf<R>, InputOf<R>> {
  readonly kind: 'refine';
  readonly inner: R;
  readonly message: string;
  readonly path?: Path;
  /** `false`: `message` at `path`; a `Problem`: its own message and path. */
  test(value: OutputOf<R>): boolean | Problem;
}

/** A check across fields (or items), run once `inner` accepts the value. */
export function refine<R extends AnyRule>(
  inner: R,
  test: (value: OutputOf<R>) => boolean | Problem,
  message: string,
  path?: Path,
): RefineRule<R> {
  return {
    kind: 'refine',
    inner,
    test,
    message,
    path,
    expected: inner.expected,
    parse(value, at, issues) {
      const before = issues.length;
      const out = inner.parse(value, at, issues) as OutputOf<R>;
      if (issues.length > before) return out;
      const verdict = test(out);
      if (verdict === true) return out;
      const problem = verdict === false ? { message, path } : verdict;
      issues.push({ path: [...at, ...(problem.path ?? [])], message: problem.message });
      return out;
    },
  };
}
