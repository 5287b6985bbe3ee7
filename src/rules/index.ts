/**
 * A tiny declarative rule library for option checks on the call path (guard(), reconfigure(),
 * the trip policy specs, latency()). Not zod/mini: that was 30 kB of the 80 kB budget of an app
 * bundle of `guard` (issue 12). Rules are plain data plus a `parse`; the config file converts
 * the same rules to classic zod (src/config/rules-to-zod.ts) for its positions and JSON Schema.
 */
import type {
  ArrayRule,
  DefaultRule,
  ObjectRule,
  OptionalRule,
  RefineRule,
  TaggedRule,
  UnionRule,
} from './compound.js';
import type { BooleanRule, CustomRule, Literal, LiteralRule, NumberRule, OneOfRule, StringRule } from './scalars.js';
import type { AnyRule, Issue, Rule } from './types.js';

export * from './closest.js';
export * from './compound.js';
export * from './scalars.js';
export * from './types.js';

/** Every kind of rule, for code that reads a rule's data (switch on `kind`). */
export type KnownRule =
  | NumberRule
  | StringRule
  | BooleanRule
  | LiteralRule<Literal>
  | OneOfRule<string>
  | CustomRule<unknown>
  | OptionalRule<AnyRule>
  | DefaultRule<AnyRule>
  | ObjectRule<Readonly<Record<string, AnyRule>>>
  | ArrayRule<AnyRule>
  | UnionRule<readonly AnyRule[]>
  | TaggedRule<string, Readonly<Record<string, AnyRule>>>
  | RefineRule<AnyRule>;

export type Validation<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly Issue[] };

/** Checks `value`: the value with defaults applied, or every issue found. */
export function validate<O>(rule: Rule<O, unknown>, value: unknown): Validation<O> {
  const issues: Issue[] = [];
  const out = rule.parse(value, [], issues);
  return issues.length === 0 ? { ok: true, value: out } : { ok: false, issues };
}
