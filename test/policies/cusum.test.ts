import { describe, expect, it } from 'vitest';
import { CusumPolicy, designCusum, learnedCusumDesign } from '../../src/breaker/policies/cusum.js';
import { createPolicy, tripPolicySpecRule } from '../../src/breaker/policies/index.js';
import { validate } from '../../src/rules/index.js';
import { parseOptions } from '../../src/validation.js';
import type { Observation } from '../../src/breaker/policies/types.js';
import {
  bernoulliCusumArl,
  bernoulliCusumThreshold,
  fisherExactTest,
  holm,
  twoProportionTest,
  twoProportionZTest,
} from '../../src/breaker/stats.js';
import { seededRandom } from '../../src/random.js';

const obs = (bad: boolean, now = 0): Observation => ({ bad, failed: false, slow: false, latencyMs: 1, now });

describe('stats', () => {
  it('Fisher exact test matches textbook values', () => {
    expect(fisherExactTest(3, 4, 1, 4)).toBeCloseTo(0.4857, 4); // the tea-tasting table
    expect(fisherExactTest(1, 10, 8, 10)).toBeCloseTo(0.005477, 5);
    expect(fisherExactTest(0, 0, 3, 10)).toBe(1);
  });
  it('uses the exact test for small counts and z for large ones', () => {
    expect(twoProportionTest(1, 10, 5, 10).exact).toBe(true);
    const large = twoProportionTest(50, 500, 100, 500);
    expect(large.exact).toBe(false);
    expect(large.p).toBeCloseTo(twoProportionZTest(50, 500, 100, 500).p, 12);
    expect(large.p).toBeLessThan(1e-4);
  });
  it('Holm adjusts step-down and keeps order', () => {
    expect(holm([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
  });
  it('CUSUM ARL: exact computation agrees with simulation', () => {
    const up = 50;
    const h = 60;
    const rnd = seededRandom(7);
    let sum = 0;
    const runs = 4000;
    for (let r = 0; r < runs; r++) {
      let c = 0;
      let n = 0;
      while (c < h) {
        n++;
        c = rnd() < 0.005 ? c + up : Math.max(0, c - 1);
      }
      sum += n;
    }
    const exact = bernoulliCusumArl(0.005, up, h);
    expect(Math.abs(sum / runs - exact) / exact).toBeLessThan(0.05);
  });
  it('the threshold is the smallest one reaching the target ARL', () => {
    const { h, arl0 } = bernoulliCusumThreshold(0.005, 50, 1e8);
    expect(arl0).toBeGreaterThanOrEqual(1e8);
    expect(bernoulliCusumArl(0.005, 50, h - 1)).toBeLessThan(1e8);
  });
});

describe('cusum policy', () => {
  it('derives its threshold from falseTripEvery and detects 0.5 % → 5 % in about 200 calls on average', () => {
    const d = designCusum(0.005, 0.05, 1e8);
    expect(d.arl0).toBeGreaterThanOrEqual(1e8);
    expect(bernoulliCusumArl(0.05, d.up, d.h)).toBeLessThan(220);
  });

  it('never trips with no traffic; watches from the first call, against the ceiling until it has learned', () => {
    const p = new CusumPolicy({ shift: 10, falseTripEvery: 1e8, warmupCalls: 1_000 });
    expect(p.snapshot().calls).toBe(0);
    expect(p.isLearning).toBe(true);
    expect(p.parameters.p0).toBe(0.01); // the default ceiling
    let n = 1;
    let decision;
    while (!(decision = p.observe(obs(true)))) n++;
    expect(n).toBeLessThan(15); // h / up of the ceiling design: 546 / 54
    expect(decision.reason).toMatch(
      /from 1\.00 % to 3\.00 % .*; tested against the ceiling: no normal rate below it learned$/,
    );
  });

  it('a warm-up without flags still yields a usable design (the ceiling: too few bad calls to learn from)', () => {
    const p = new CusumPolicy({ shift: 10, falseTripEvery: 1e6, warmupCalls: 500 });
    for (let i = 0; i < 500; i++) p.observe(obs(false));
    expect(p.isLearning).toBe(false);
    expect(p.parameters.p0).toBe(0.01);
    let n = 0;
    while (!p.observe(obs(true, n))) n++;
    expect(n).toBeLessThan(50);
  });

  it('all calls flagged: trips, with the change-point estimate as onset', () => {
    const p = createPolicy(parseOptions(tripPolicySpecRule, { policy: 'cusum', p0: 0.005, p1: 0.05 }, 'spec'));
    for (let i = 0; i < 1000; i++) expect(p.observe(obs(false, i))).toBeUndefined();
    let decision;
    let i = 1000;
    while (!(decision = p.observe(obs(true, i * 10)))) i++;
    expect(decision.policy).toBe('cusum');
    expect(decision.onsetCallsAgo).toBe(i - 1000 + 1);
    expect(decision.onsetAt).toBe(10_000);
    expect(decision.reason).toMatch(/0\.50 % to 5\.00 %/);
    expect(decision.details.arl0).toBeGreaterThanOrEqual(1e8);
  });

  it('reset restarts the statistic but keeps the learned baseline', () => {
    const p = new CusumPolicy({ p0: 0.01, shift: 10, falseTripEvery: 1e6, warmupCalls: 100 });
    p.observe(obs(true));
    expect(p.snapshot().value).toBeGreaterThan(0);
    p.reset();
    expect(p.snapshot().value).toBe(0);
    expect(p.parameters.p0).toBe(0.01);
  });

  it('is quiet on stationary traffic at p0 (seeded, 200 000 calls)', () => {
    const p = new CusumPolicy({ p0: 0.005, p1: 0.05, shift: 10, falseTripEvery: 1e8, warmupCalls: 100 });
    const rnd = seededRandom(42);
    const good = obs(false);
    const bad = obs(true);
    let trips = 0;
    for (let i = 0; i < 200_000; i++) if (p.observe(rnd() < 0.005 ? bad : good)) trips++;
    expect(trips).toBe(0);
  });

  it('rejects bad specs with a message naming the field', () => {
    expect(validate(tripPolicySpecRule, { policy: 'cusum', p0: 0.1, p1: 0.05 })).toEqual({
      ok: false,
      issues: [{ path: ['p1'], message: 'p1 must be greater than p0' }],
    });
    expect(validate(tripPolicySpecRule, { policy: 'cusum', falseTripEvery: 10 }).ok).toBe(false);
  });
});

/** Calls from `shiftAt` to the trip of a default-spec CUSUM from a cold start (Infinity if none within `horizon`). */
function coldStart(spec: object, seed: number, p0: number, shiftAt: number, p1: number, horizon: number): number {
  const p = createPolicy(parseOptions(tripPolicySpecRule, { policy: 'cusum', ...spec }, 'spec'));
  const rnd = seededRandom(seed);
  const good = obs(false);
  const bad = obs(true);
  for (let i = 0; i < shiftAt; i++) if (p.observe(rnd() < p0 ? bad : good)) return -1;
  for (let n = 1; n <= horizon; n++) if (p.observe(rnd() < p1 ? bad : good)) return n;
  return Infinity;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('cusum from a cold start (the default spec, no stored baseline)', () => {
  it('catches 0.5 % → 5 % 5 000 calls after start in about 200 calls (40 seeded streams)', () => {
    const delays = Array.from({ length: 40 }, (_, r) => coldStart({}, 100 + r, 0.005, 5_000, 0.05, 5_000));
    expect(Math.min(...delays)).toBeGreaterThan(0); // no false trip before the shift
    expect(Math.max(...delays)).toBeLessThan(800);
    expect(median(delays)).toBeLessThanOrEqual(220);
  });

  it('trips a model bad from its first call (5 %) within 1 000 calls (40 seeded streams)', () => {
    const delays = Array.from({ length: 40 }, (_, r) => coldStart({}, 200 + r, 0.05, 0, 0.05, 5_000));
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_000);
  });

  it('does not trip a stationary 0.5 % stream over 10⁶ calls, learning included', () => {
    expect(coldStart({}, 7, 0.005, 1_000_000, 0.005, 0)).toBe(Infinity);
  });

  it('the ceiling: a model at 3 % from its first call is not learned as normal, unless the ceiling allows it', () => {
    expect(coldStart({}, 11, 0.03, 0, 0.03, 5_000)).toBeLessThan(5_000);
    const p = new CusumPolicy({ shift: 8, falseTripEvery: 1e8, warmupCalls: 20_000, ceiling: 0.05 });
    const rnd = seededRandom(12);
    let trips = 0;
    for (let i = 0; i < 40_000; i++) if (p.observe(obs(rnd() < 0.03))) trips++;
    expect(trips).toBe(0);
    expect(p.isLearning).toBe(false);
    expect(p.parameters.p0).toBeGreaterThan(0.025);
    expect(p.parameters.p0).toBeLessThan(0.035);
  });

  it('a change that trips it while learning is not learned: the calls since the statistic left zero are dropped', () => {
    const p = new CusumPolicy({ shift: 8, falseTripEvery: 1e8, warmupCalls: 50_000 });
    const rnd = seededRandom(13);
    for (let i = 0; i < 10_000; i++) p.observe(obs(rnd() < 0.005));
    while (p.snapshot().value > 0) p.observe(obs(false)); // at zero: everything so far is baseline
    const before = p.save();
    while (!p.observe(obs(true))); // a model gone bad: trips within a few calls
    p.reset();
    expect(p.save().warmCalls).toBe(before.warmCalls);
    expect(p.save().warmBad).toBe(before.warmBad);
  });

  it('a stored baseline is used on restart: a new policy restored from save() has the learned design', () => {
    const options = { shift: 8, falseTripEvery: 1e8, warmupCalls: 5_000, ceiling: 0.05 };
    const a = new CusumPolicy(options);
    const rnd = seededRandom(14);
    for (let i = 0; i < 8_000; i++) a.observe(obs(rnd() < 0.02));
    expect(a.isLearning).toBe(false);
    const b = new CusumPolicy(options);
    expect(b.parameters).not.toEqual(a.parameters);
    b.restore(JSON.parse(JSON.stringify(a.save())));
    expect(b.isLearning).toBe(false);
    expect(b.parameters).toEqual(a.parameters);
    expect(b.save()).toEqual(a.save());
    // A snapshot written before the self-starting design (warm-up counts only) restores to the same design.
    const { warmCalls, warmBad } = a.save();
    const c = new CusumPolicy(options);
    c.restore({ warmCalls, warmBad, learned: true, c: 0, calls: 0, sinceZero: 0, onsetAt: 0 });
    expect(c.parameters).toEqual(learnedCusumDesign(warmBad as number, warmCalls as number, options));
  });

  it('says a save is due after each redesign and the freeze, once each; never with a configured p0', () => {
    const options = { shift: 8, falseTripEvery: 1e8, warmupCalls: 5_000, ceiling: 0.05 };
    const p = new CusumPolicy(options);
    const rnd = seededRandom(15);
    let due = 0;
    let frozenAt = -1;
    let dueAtFreeze = false;
    for (let i = 0; i < 8_000; i++) {
      const learning = p.isLearning;
      p.observe(obs(rnd() < 0.02));
      const now = p.saveDue();
      if (now) due++;
      if (learning && !p.isLearning) [frozenAt, dueAtFreeze] = [i, now];
      // Only a redesign makes it due, and reading clears it.
      expect(p.saveDue()).toBe(false);
    }
    expect(frozenAt).toBeGreaterThanOrEqual(options.warmupCalls - 1);
    expect(dueAtFreeze).toBe(true);
    // The geometric schedule 200, 250, … up to the warm-up: a few dozen saves, not one per call.
    expect(due).toBeGreaterThan(5);
    expect(due).toBeLessThanOrEqual(20);
    const known = new CusumPolicy({ ...options, p0: 0.02 });
    for (let i = 0; i < 8_000; i++) known.observe(obs(rnd() < 0.02));
    expect(known.saveDue()).toBe(false);
  });

  it('rejects a bad ceiling with a message naming it', () => {
    const result = validate(tripPolicySpecRule, { policy: 'cusum', ceiling: 0.7 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]!.path).toEqual(['ceiling']);
  });
});
