/** Routes: the primary, then the fallback chain. */

/** A fallback given as a user's existing opossum `CircuitBreaker` (or anything with `fire`). */
export interface FireableBreaker<Args extends unknown[], Output> {
  readonly name?: string;
  fire(...args: Args): Promise<Output>;
}

/** A named fallback: `{ name: 'backup', run: (req) => backup.chat.completions.create(req) }`. */
export interface NamedFallback<Args extends unknown[], Output> {
  readonly name: string;
  // Not `call`: every function has `name` and `call`, so TypeScript could not tell the two kinds apart (nor type `run`'s parameters).
  run(...args: Args): Promise<Output> | Output;
}

export type Fallback<Args extends unknown[], Output> =
  ((...args: Args) => Promise<Output> | Output) | FireableBreaker<Args, Output> | NamedFallback<Args, Output>;

export interface Route<Args extends unknown[], Output> {
  readonly name: string;
  readonly call: (args: Args) => Promise<Output> | Output;
}

export function toRoute<Args extends unknown[], Output>(
  fallback: Fallback<Args, Output>,
  index: number,
): Route<Args, Output> {
  if (typeof fallback === 'function') {
    return {
      name: fallback.name && fallback.name !== 'anonymous' ? fallback.name : `fallback-${index + 1}`,
      call: (args) => fallback(...args),
    };
  }
  if ('fire' in fallback) {
    // opossum names an unnamed breaker with a random UUID: not a label to put in metrics.
    const named = fallback.name && !OPOSSUM_RANDOM_NAME.test(fallback.name);
    return { name: named ? fallback.name! : `fallback-${index + 1}`, call: (args) => fallback.fire(...args) };
  }
  return { name: fallback.name, call: (args) => fallback.run(...args) };
}

const OPOSSUM_RANDOM_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** opossum rejects with this code when its own breaker is open: the route is unavailable. */
export function isRouteUnavailable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EOPENBREAKER';
}
