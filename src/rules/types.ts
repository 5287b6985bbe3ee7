/** Where a value sits in the options: keys and array indexes. */
export type Key = string | number;
export type Path = readonly Key[];

/** One problem a rule found. */
export interface Issue {
  readonly path: Path;
  readonly message: string;
  /** Keys an object rule does not know (the message then names them all). */
  readonly unknownKeys?: readonly string[];
  /** With `unknownKeys`: the keys the object rule knows (for "did you mean"). */
  readonly knownKeys?: readonly string[];
  /** The value is not of the rule's type at all: a union then tries its other forms before blaming this one. */
  readonly mismatch?: boolean;
}

/**
 * A check of a value that returns it with defaults applied. `kind` and the builder's parameters
 * stay on the object as plain data, so other tools can read a rule (the config file's zod
 * schema and JSON Schema are built from it).
 */
export interface Rule<Out, In = Out> {
  readonly kind: string;
  /** What the rule accepts, as a noun phrase ("an integer >= 1"): messages and unions say it. */
  readonly expected: string;
  /** Pushes what is wrong onto `issues`; the result is meaningful only when none were pushed. */
  parse(value: unknown, path: Path, issues: Issue[]): Out;
  /** Carries the input and output types; never set. */
  readonly types?: { readonly in: In; readonly out: Out };
}

export type AnyRule = Rule<unknown, unknown>;

/** The value a rule returns. */
export type OutputOf<R> = R extends Rule<infer O, unknown> ? O : never;
/** The value a rule accepts (fields with defaults may be left out). */
export type InputOf<R> = R extends { readonly types?: { readonly in: infer I } } ? I : never;

/** Reports a value that is not of the rule's type (or a missing key). */
export function mismatch(path: Path, value: unknown, expected: string): Issue {
  const missing = value === undefined && path.length > 0;
  return { path, message: missing ? 'is required' : `must be ${expected}`, mismatch: true };
}

export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
