/**
 * Sanity bounds: values a config file may hold by the schema, but which are almost certainly a
 * mistake (a file cut mid-write, a slipped digit). A file with one is rejected, like an invalid
 * file, unless the breaker lists the key under `allowOutOfBounds` (or the loader is told
 * `checkBounds: false`). The set is small on purpose and documented in docs/config.md.
 */
import type { BreakerConfig } from './schema.js';

/** A breaker as the file holds it: checked for bounds even when other keys fail the schema. */
type BreakerInput = { readonly [K in keyof BreakerConfig]?: unknown };

/** The bounded keys, by the dotted path under a breaker. */
export const BOUNDED_KEYS = ['recovery.afterMs', 'recovery.capMs', 'timeoutMs'] as const;
export type BoundedKey = (typeof BOUNDED_KEYS)[number];

const DAY_MS = 86_400_000;

interface Bound {
  readonly read: (b: BreakerInput) => unknown;
  /** Inclusive bounds; `zeroAllowed`: 0 is a meaningful value (no timeout) and always accepted. */
  readonly min: number;
  readonly max: number;
  readonly zeroAllowed?: boolean;
}

const recovery = (b: BreakerInput): Record<string, unknown> =>
  typeof b.recovery === 'object' && b.recovery !== null ? (b.recovery as Record<string, unknown>) : {};

const BOUNDS: Readonly<Record<BoundedKey, Bound>> = {
  // Under a second, a tripped breaker lets the unsafe model back in almost at once.
  'recovery.afterMs': { read: (b) => recovery(b).afterMs, min: 1_000, max: DAY_MS },
  // More than a day open is an outage of the primary, not a recovery delay.
  'recovery.capMs': { read: (b) => recovery(b).capMs, min: 0, max: DAY_MS },
  // Under 100 ms every real model call times out; 0 means "no timeout".
  timeoutMs: { read: (b) => b.timeoutMs, min: 100, max: DAY_MS, zeroAllowed: true },
};

/** One value outside its bounds. */
export interface BoundViolation {
  /** Path under the breaker, e.g. `recovery.afterMs`. */
  readonly key: BoundedKey;
  readonly value: number;
  /** What was expected, for the error message. */
  readonly expected: string;
}

/** The out-of-bounds numbers of one breaker that its `allowOutOfBounds` does not accept (other types are the schema's to report). */
export function boundViolations(b: BreakerInput): BoundViolation[] {
  const allowed = new Set<unknown>(Array.isArray(b.allowOutOfBounds) ? b.allowOutOfBounds : []);
  const out: BoundViolation[] = [];
  for (const key of BOUNDED_KEYS) {
    const bound = BOUNDS[key];
    const value = bound.read(b);
    if (typeof value !== 'number' || allowed.has(key)) continue;
    if (bound.zeroAllowed && value === 0) continue;
    if (value >= bound.min && value <= bound.max) continue;
    out.push({
      key,
      value,
      expected: `${bound.zeroAllowed ? '0 or ' : ''}a number from ${bound.min} to ${bound.max}, or "${key}" listed under allowOutOfBounds`,
    });
  }
  return out;
}
