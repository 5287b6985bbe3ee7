/**
 * A guard with a store saves when a trip policy has learned something worth keeping (the CUSUM's
 * baseline redesigned or frozen), not only on state changes and dispose(): on the next turn of the
 * event loop, never inside the call, and a failing save never reaches the caller.
 */
import { describe, expect, it } from 'vitest';
import { guard } from '../../src/guard.js';
import type { BreakerSnapshot } from '../../src/call/snapshot.js';
import { seededRandom } from '../../src/random.js';
import type { BreakerStore } from '../../src/store/types.js';
import { flagger } from '../guard/helpers.js';

const TRIP = { policy: 'cusum', warmupCalls: 1_000, ceiling: 0.05 } as const;
const turn = () => new Promise((done) => setImmediate(done));

function build(store: BreakerStore) {
  const errors: string[] = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (_o: unknown, m: string) => errors.push(m) };
  const random = seededRandom(3);
  const g = guard(async () => (random() < 0.02 ? 'MEH' : 'fine'), {
    name: 'chat',
    detectors: [flagger()],
    trip: TRIP,
    store,
    logger,
    retry: false,
    timeoutMs: 0,
  });
  const learned = () => (g.snapshot().policies[0]!.state as { learned: boolean }).learned;
  return { g, errors, learned };
}

describe('saving what a policy learned', () => {
  it('the baseline freezing is saved on the next turn of the event loop, not inside the call', async () => {
    const saves: BreakerSnapshot[] = [];
    const { g, learned } = build({ load: () => undefined, save: (_b, s) => void saves.push(structuredClone(s)) });
    await g.ready();
    let calls = 0;
    while (!learned()) {
      const before = saves.length;
      await g();
      calls++;
      // Whatever the call learned, nothing was written while it ran.
      expect(saves.length).toBe(before);
      await turn();
    }
    expect(calls).toBeGreaterThanOrEqual(TRIP.warmupCalls);
    expect(g.state).toBe('closed'); // no state change: the policy's saves alone
    // The redesigns while learning (200, 250, … calls) and the freeze: a few saves, the last one learned.
    expect(saves.length).toBeGreaterThan(3);
    expect(saves.length).toBeLessThan(15);
    expect(saves.at(-1)!.policies[0]!.state).toEqual(g.snapshot().policies[0]!.state);
    const count = saves.length;
    for (let i = 0; i < 500; i++) await g();
    await turn();
    expect(saves.length).toBe(count); // learned and frozen: nothing more to save until a change or dispose
    g.dispose();
    expect(saves.length).toBe(count + 1);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('disk full');
      },
      'breaker chat: store.save() threw',
    ],
    ['rejects', () => Promise.reject(new Error('redis gone')), 'breaker chat: store.save() failed'],
  ])('a save that %s is logged; every call is served', async (_how, save, message) => {
    const { g, errors, learned } = build({ load: () => undefined, save });
    for (let i = 0; i < 1_500; i++) {
      expect(await g()).toMatch(/fine|MEH/);
      if (i % 100 === 99) await turn();
    }
    await turn();
    expect(learned()).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors)).toEqual(new Set([message]));
    g.dispose();
  });

  it('a store whose saveEveryMs is not a usable interval is a clear error naming the option', () => {
    const store = { load: () => undefined, save() {}, saveEveryMs: 0 };
    expect(() => guard(async () => 'fine', { name: 'chat', detectors: [], store })).toThrow(
      /guard\("chat"\): option "store": must be a store: .*saveEveryMs, if any, a number of milliseconds from 100/,
    );
  });
});
