import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/** Loads an optional peer dependency on first use, with an error that says how to install it. */
export function loadOptionalPeer<T>(name: string, neededFor: string): T {
  try {
    return requireFromHere(name) as T;
  } catch (error) {
    throw new Error(`safety-breaker: ${neededFor} needs the optional peer dependency "${name}": npm install ${name}`, {
      cause: error,
    });
  }
}
