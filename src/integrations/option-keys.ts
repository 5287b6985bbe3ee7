import { custom, object, optional, type AnyRule } from '../rules/index.js';

const anything = custom<unknown>(() => true, 'anything');

/**
 * A rule for `parseOptions` that accepts these keys (a `[key, rule]` pair checks an optional
 * object's keys too) and reports any other as guard() does: `unknown option "contxt"`. Only the
 * keys: the caller checks the values.
 */
export function onlyKeys(...keys: readonly (string | readonly [string, AnyRule])[]): AnyRule {
  return object(
    Object.fromEntries(keys.map((key) => (typeof key === 'string' ? [key, anything] : [key[0], optional(key[1])]))),
  );
}
