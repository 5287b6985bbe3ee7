/**
 * The acceptance scenario of issue 2: a primary that switches from benign to toxic text. No output
 * at or above `block` reaches the caller, the breaker opens exactly when the policy says, the
 * fallback serves while open, and after the recovery delay k passing probes close it. Run with a
 * detector whose truth the test knows, and with the real `toxicity()`.
 */
import { describe, expect, it } from 'vitest';
import { guard, type GuardEvents, type HotPathDetector } from '../../src/index.js';
import { toxicity } from '../../src/entries/toxicity.js';
import { virtualClock } from './helpers.js';

interface Verdict {
  flagged: boolean;
  blocked: boolean;
}

interface Scenario {
  detector: HotPathDetector;
  /** An independent judge of a text (not the guard's detector instance). */
  judge(text: string): Verdict;
  /** The primary's text: `r` in [0, 1) picks among toxic, flagged-only and benign replies. */
  primary(phase: 'benign' | 'toxic' | 'recovered', r: number, prompt: string): string;
  /** The fallback's n-th text; every 5th is toxic, to show the fallback is scanned too. */
  fallback(n: number, prompt: string): string;
}

/** Deterministic pseudo-random numbers (LCG), so the scenario is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32;
}

// 1. A detector that reads the score written into the text: block at 0.8, flag at 0.5.
const scoreOf = (text: string): number => Number(/\[score ([\d.]+)\]/.exec(text)?.[1] ?? 0);
const scored: Scenario = {
  detector: {
    name: 'scored',
    detect({ text }) {
      const score = scoreOf(text);
      return { detector: 'scored', score, flagged: score >= 0.5, blocked: score >= 0.8 };
    },
  },
  judge: (text) => ({ flagged: scoreOf(text) >= 0.5, blocked: scoreOf(text) >= 0.8 }),
  primary(phase, r, prompt) {
    const score = phase !== 'toxic' ? 0.1 : r < 0.6 ? 0.8 + r / 3 : r < 0.8 ? 0.6 : 0.1; // 60 % ≥ block, 20 % flagged only
    return `[score ${Math.round(score * 100) / 100}] primary(${prompt})`;
  },
  fallback: (n, prompt) => `[score ${n % 5 === 0 ? 0.95 : 0.05}] fallback(${prompt})`,
};

// 2. The real toxicity() detector with its default thresholds.
const BENIGN = [
  'Here is a recipe for banana bread.',
  'The cockpit of the plane is small.',
  'That song is fucking awesome!',
  'Paris is the capital of France.',
];
const TOXIC = [
  'You are a worthless idiot and everyone hates you.',
  'I will kill you.',
  'kys',
  'You stupid moron, shut up.',
  'Go die in a fire, you piece of garbage.',
];
const judgeToxicity = toxicity();
const real: Scenario = {
  detector: toxicity(),
  judge(text) {
    const s = judgeToxicity.detect({ text, output: text, latencyMs: 0, route: 'judge', breaker: 'judge', context: {} });
    return { flagged: s.flagged, blocked: s.blocked === true };
  },
  primary(phase, r, prompt) {
    const pool = phase === 'toxic' && r < 0.7 ? TOXIC : BENIGN;
    return `primary(${prompt}): ${pool[Math.floor(r * 1_000) % pool.length]}`;
  },
  fallback: (n, prompt) => `fallback(${prompt}): ${n % 5 === 0 ? TOXIC[n % TOXIC.length] : BENIGN[n % BENIGN.length]}`,
};

async function run(s: Scenario): Promise<void> {
  const clock = virtualClock(1_000_000);
  const random = lcg(42);
  let phase: 'benign' | 'toxic' | 'recovered' = 'benign';
  const primaryTexts: string[] = [];
  let fallbackCalls = 0;

  const primary = async (prompt: string): Promise<string> => {
    const text = s.primary(phase, random(), prompt);
    primaryTexts.push(text);
    return text;
  };
  const fallback = async (prompt: string): Promise<string> => s.fallback(++fallbackCalls, prompt);

  const policy = {
    policy: 'rate' as const,
    threshold: 0.3,
    minimumCalls: 10,
    window: { kind: 'count' as const, size: 20 },
  };
  const recovery = { afterMs: 30_000, backoff: 2, capMs: 300_000, probes: 3 };
  const g = guard(primary, {
    name: 'acceptance',
    detectors: [s.detector],
    fallbacks: [fallback],
    safeReply: 'safe reply',
    trip: policy,
    recovery,
    retry: false,
    timeoutMs: 0,
    clock: clock.now,
  });
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

  // Benign: the primary serves everything.
  for (let i = 0; i < 40; i++) expect(await call(i)).toMatch(/primary/);
  expect(g.state).toBe('closed');

  // Toxic: count the policy's window ourselves to know when it must trip.
  phase = 'toxic';
  const window: boolean[] = primaryTexts.map((t) => s.judge(t).flagged).slice(-policy.window.size);
  expect(window.some(Boolean)).toBe(false);
  let expectedTripAt = -1;
  let i = 40;
  while (g.state === 'closed') {
    const before = primaryTexts.length;
    await call(i);
    expect(primaryTexts.length).toBe(before + 1);
    window.push(s.judge(primaryTexts.at(-1)!).flagged);
    if (window.length > policy.window.size) window.shift();
    const bad = window.filter(Boolean).length;
    if (expectedTripAt < 0 && window.length >= policy.minimumCalls && bad / window.length >= policy.threshold)
      expectedTripAt = i;
    if (expectedTripAt >= 0 && g.state === 'closed')
      throw new Error(`the policy should have tripped at call ${expectedTripAt}`);
    i++;
    if (i > 1_000) throw new Error('never tripped');
  }
  expect(i - 1).toBe(expectedTripAt);
  expect(trips).toHaveLength(1);
  expect(trips[0]!.decision.policy).toBe('rate');
  expect(trips[0]!.decision.details.ratio).toBeGreaterThanOrEqual(0.3);
  expect(trips[0]!.openForMs).toBe(30_000);

  // Open: the fallback serves (or the safe reply when its output is blocked); the primary is not called.
  const primaryCallsAtTrip = primaryTexts.length;
  const openedAt = clock.now();
  let servedByFallback = 0;
  while (clock.now() + 100 < openedAt + recovery.afterMs) {
    const out = await call(i++);
    expect(out).not.toMatch(/primary/);
    if (out.includes('fallback')) servedByFallback++;
  }
  expect(primaryTexts.length).toBe(primaryCallsAtTrip);
  expect(servedByFallback).toBeGreaterThan(200);
  expect(g.state).toBe('open');

  // After the recovery delay, k passing probes close it.
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

  // Above all: nothing at or above `block` ever reached the caller, though plenty was produced.
  expect(delivered.length).toBeGreaterThan(300);
  expect(delivered.filter((d) => s.judge(d).blocked)).toEqual([]);
  expect(primaryTexts.filter((t) => s.judge(t).blocked).length).toBeGreaterThanOrEqual(3);
  expect(delivered).toContain('safe reply'); // a toxic fallback output was blocked too
}

describe('acceptance: benign → toxic → contained → recovered', () => {
  it('with a detector whose truth the test knows', () => run(scored));
  it('with the real toxicity() detector', () => run(real));
});
