/** What the crashing child and the process after it share: the breaker's options and a file store. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { BreakerSnapshot, BreakerStore, HotPathDetector } from '../../src/index.js';

export const TOXIC = 'TOXIC';

const marker: HotPathDetector = {
  name: 'marker',
  detect: ({ text }) =>
    text.includes(TOXIC)
      ? { detector: 'marker', score: 1, flagged: true, blocked: true }
      : { detector: 'marker', score: 0, flagged: false },
};

export const chatOptions = {
  name: 'chat',
  detectors: [marker],
  fallbacks: [async (p: string) => `backup reply to ${p}`],
  trip: { policy: 'rate' as const, threshold: 0.5, minimumCalls: 4, window: { kind: 'count' as const, size: 10 } },
  recovery: { afterMs: 200, backoff: 1, capMs: 200, probes: 2 },
};

/** Snapshots in a JSON file, written synchronously (and atomically) on every state change. */
export function fileStore(path: string): BreakerStore {
  return {
    load(): BreakerSnapshot | undefined {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as BreakerSnapshot;
      } catch {
        return undefined;
      }
    },
    save(_name, snapshot) {
      writeFileSync(`${path}.tmp`, JSON.stringify(snapshot));
      renameSync(`${path}.tmp`, path);
    },
  };
}
