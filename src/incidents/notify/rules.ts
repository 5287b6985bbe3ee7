/** Option rules every notifier shares, defined once. */
import { breakerName } from '../../options.js';
import { custom, optional } from '../../rules/index.js';

/** A notifier's name becomes the `notifier` metric label: the same rule as a breaker's name. */
export const notifierName = optional(breakerName);

/** An http(s) URL that `new URL()` accepts. */
export const httpUrl = custom<string>((v) => typeof v === 'string' && isHttpUrl(v), 'must be an http(s) URL');

export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** A credential (routing key, API key, signing secret): any non-empty string; never echoed in errors. */
export const secret = custom<string>((v) => typeof v === 'string' && v.length > 0, 'must be a non-empty string');
