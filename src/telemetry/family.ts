import type * as PromClient from 'prom-client';

/**
 * A family maker for `registry` that reuses the family of the same name already on it (another
 * breaker's, another part's, or another copy of this package's): one registry, one family a name.
 */
export const familyOn =
  (registry: PromClient.Registry) =>
  <M>(name: string, make: (name: string) => M): M =>
    (registry.getSingleMetric(name) as M | undefined) ?? make(name);
