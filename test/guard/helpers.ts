/** Shared test helpers: a marker detector, a virtual clock, a switchable model. */
import type { HotPathDetector, Signal } from '../../src/index.js';

/** Blocks any text containing `word` (a stand-in for a real detector, so the test knows the truth). */
export function marker(word = 'TOXIC', name = 'marker'): HotPathDetector {
  return {
    name,
    detect({ text }): Signal {
      return text.includes(word)
        ? { detector: name, score: 1, flagged: true, blocked: true, reason: `contains ${word}` }
        : { detector: name, score: 0, flagged: false };
    },
  };
}

/** Flags (counts against the model) but never blocks text containing `word`. */
export function flagger(word = 'MEH', name = 'flagger'): HotPathDetector {
  return {
    name,
    detect({ text }): Signal {
      return text.includes(word)
        ? { detector: name, score: 0.6, flagged: true }
        : { detector: name, score: 0, flagged: false };
    },
  };
}

/** A virtual clock for the guard's `clock` option. */
export function virtualClock(start = 0): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}

/** A model whose output turns toxic when `toxic` is set. */
export function switchableModel(): { toxic: boolean; calls: number; fn: (prompt: string) => Promise<string> } {
  const model = {
    toxic: false,
    calls: 0,
    fn: async (prompt: string): Promise<string> => {
      model.calls++;
      return model.toxic ? `TOXIC reply to ${prompt}` : `kind reply to ${prompt}`;
    },
  };
  return model;
}

/** Settles pending microtasks and immediate callbacks. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
