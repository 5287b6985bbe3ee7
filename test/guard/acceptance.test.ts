/**
 * The acceptance scenario of issue 2: a primary that switches from benign to toxic text. No output
 * at or above `block` reaches the caller, the breaker opens exactly when the policy says, the
 * fallback serves while open, and after the recovery delay k passing probes close it.
 */
import { describe, expect, it } from 'vitest';
import { guard, type GuardEvents, type HotPathDetector } from '../../src/index.js';
import { virtualClock } from './helpers.js';

const BLOCK = 0.8;
const FLAG = 0.5;

/** A detector whose truth the test knows: it reads the score written into the text. */
const scored: HotPathDetector = {
  name: 'scored',
  detect({ text }) {
    const score = scoreOf(text);
    return { detector: 'scored', score, flagged: score >= FLAG, blocked: score >= BLOCK };
  },
};
const scoreOf = (text: string): number => Number(/\[score ([\d.]+)\]/.exec(text)?.[1] ?? 0);
const say = (score: number, who: string) => `[score ${score}] ${who} says something`;

/** Deterministic pseudo-random numbers (LCG), so the scenario is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

describe('acceptance: benign → toxic → contained → recovered', () => {
  it('holds every promise of issue 2', async () => {
    const clock = virtualClock(1_000_000);
    const random = lcg(42);
    let phase: 'benign' | 'toxic' | 'recovered' = 'benign';
    const primaryScores: number[] = [];
    let fallbackCalls = 0;

    const primary = async (prompt: string): Promise<string> => {
      let score = 0.1;
      if (phase === 'toxic') {
        const r = random();
        score = r < 0.6 ? 0.8 + r / 3 : r < 0.8 ? 0.6 : 0.1; // 60 % ≥ block, 20 % flagged only, 20 % fine
      }
      primaryScores.push(score);
      return say(Math.round(score * 100) / 100, `primary(${prompt})`);
    };
    // The fallback is scanned too: every 5th of its outputs is toxic and must not reach the caller.
    const fallback = async (prompt: string): Promise<string> => say(++fallbackCalls % 5 === 0 ? 0.95 : 0.05, `fallback(${prompt})`);

    const policy = { policy: 'rate' as const, threshold: 0.3, minimumCalls: 10, window: { kind: 'count' as const, size: 20 } };
    const recovery = { afterMs: 30_000, backoff: 2, capMs: 300_000, probes: 3 };
    const g = guard(primary, { name: 'acceptance', detectors: [scored], fallbacks: [fallback], safeReply: say(0, 'safe reply'), trip: policy, recovery, retry: false, timeoutMs: 0, clock: clock.now });
    const trips: GuardEvents['trip'][] = [];
    const closes: GuardEvents['close'][] = [];
    g.on('trip', (e) => trips.push(e));
    g.on('close', (e) => closes.push(e));

    const delivered: string[] = [];
    const call = async (i: number): Promise<string> => {
      clock.advance(100);
      const out = await g(`q${i}`);
      delivered.push(out);
      return out;
    };

    // 1. Benign: the primary serves everything.
    for (let i = 0; i < 40; i++) expect(await call(i)).toMatch(/primary/);
    expect(g.state).toBe('closed');

    // 2. Toxic: count the policy's window ourselves to know when it must trip.
    phase = 'toxic';
    const window: boolean[] = primaryScores.map((s) => s >= FLAG).slice(-policy.window.size);
    let expectedTripAt = -1;
    let i = 40;
    while (g.state === 'closed') {
      const before = primaryScores.length;
      await call(i);
      expect(primaryScores.length).toBe(before + 1);
      window.push(primaryScores.at(-1)! >= FLAG);
      if (window.length > policy.window.size) window.shift();
      const bad = window.filter(Boolean).length;
      if (expectedTripAt < 0 && window.length >= policy.minimumCalls && bad / window.length >= policy.threshold) expectedTripAt = i;
      if (expectedTripAt >= 0 && g.state === 'closed') throw new Error(`the policy should have tripped at call ${expectedTripAt}`);
      i++;
      if (i > 1_000) throw new Error('never tripped');
    }
    expect(i - 1).toBe(expectedTripAt);
    expect(trips).toHaveLength(1);
    expect(trips[0]!.decision.policy).toBe('rate');
    expect(trips[0]!.decision.details.ratio).toBeGreaterThanOrEqual(0.3);
    expect(trips[0]!.openForMs).toBe(30_000);

    // 3. Open: the fallback serves (or the safe reply when its output is blocked); the primary is not called.
    const primaryCallsAtTrip = primaryScores.length;
    const openedAt = clock.now();
    let servedByFallback = 0;
    while (clock.now() + 100 < openedAt + recovery.afterMs) {
      const out = await call(i++);
      expect(out).not.toMatch(/primary/);
      if (out.includes('fallback')) servedByFallback++;
    }
    expect(primaryScores.length).toBe(primaryCallsAtTrip);
    expect(servedByFallback).toBeGreaterThan(200);
    expect(g.state).toBe('open');

    // 4. After the recovery delay, k passing probes close it.
    phase = 'recovered';
    clock.set(openedAt + recovery.afterMs);
    expect(g.state).toBe('half-open');
    for (let k = 0; k < recovery.probes; k++) {
      expect(g.state).toBe('half-open');
      const out = await g(`probe${k}`);
      delivered.push(out);
      expect(out).toMatch(/primary/);
    }
    expect(g.state).toBe('closed');
    expect(closes).toHaveLength(1);
    expect(await call(i++)).toMatch(/primary/);

    // Above all: nothing at or above `block` ever reached the caller.
    expect(delivered.length).toBeGreaterThan(300);
    expect(Math.max(...delivered.map(scoreOf))).toBeLessThan(BLOCK);
    expect(primaryScores.some((s) => s >= BLOCK)).toBe(true);
    expect(delivered.some((d) => d.includes('safe reply'))).toBe(true);
  });
});
