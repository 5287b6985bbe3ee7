import { describe, expect, it } from 'vitest';
import {
  RatePolicy,
  WilsonPolicy,
  createPolicy,
  isTripPolicy,
  tripPolicySpecRule,
} from '../../src/breaker/policies/index.js';
import { validate } from '../../src/rules/index.js';
import { parseOptions } from '../../src/validation.js';
import { normalQuantile, wilsonLowerBound } from '../../src/breaker/stats.js';

const obs = (bad: boolean, now = 0, failed = false) => ({ bad: bad || failed, failed, slow: false, latencyMs: 1, now });

describe('rate policy', () => {
  it('never trips below minimumCalls, however bad the calls are', () => {
    const p = new RatePolicy({ threshold: 0.5, minimumCalls: 5, window: { kind: 'count', size: 10 } });
    for (let i = 0; i < 4; i++) expect(p.observe(obs(true))).toBeUndefined();
    const decision = p.observe(obs(true));
    expect(decision).toMatchObject({ policy: 'rate', details: { calls: 5, bad: 5, ratio: 1, threshold: 0.5 } });
    expect(decision!.reason).toMatch(/5 of the last 5 calls/);
  });

  it('trips when the bad rate reaches the threshold, not before', () => {
    const p = new RatePolicy({ threshold: 0.5, minimumCalls: 4, window: { kind: 'count', size: 4 } });
    expect(p.observe(obs(false))).toBeUndefined();
    expect(p.observe(obs(false))).toBeUndefined();
    expect(p.observe(obs(true))).toBeUndefined();
    expect(p.snapshot(0)).toEqual({ policy: 'rate', calls: 3, value: 1 / 3, threshold: 0.5 });
    // 2 of 4 = 0.5 ≥ 0.5
    expect(p.observe(obs(true))).toMatchObject({ details: { calls: 4, bad: 2, ratio: 0.5 } });
  });

  it('provider errors and timeouts count as bad calls', () => {
    const p = new RatePolicy({ threshold: 0.5, minimumCalls: 2, window: { kind: 'count', size: 10 } });
    p.observe(obs(false, 0, true));
    expect(p.observe(obs(false, 0, true))).toMatchObject({ details: { bad: 2, calls: 2 } });
  });

  it('in a time window, old bad calls expire and no longer trip', () => {
    const p = new RatePolicy({
      threshold: 0.5,
      minimumCalls: 3,
      window: { kind: 'time', durationMs: 1_000, buckets: 10 },
    });
    p.observe(obs(true, 0));
    p.observe(obs(true, 10));
    // Two seconds later the bad calls are gone: 1 good call in the window.
    expect(p.observe(obs(false, 2_000))).toBeUndefined();
    expect(p.snapshot(2_000).calls).toBe(1);
    expect(p.observe(obs(true, 2_010))).toBeUndefined();
    expect(p.observe(obs(true, 2_020))).toMatchObject({ details: { calls: 3, bad: 2 } });
  });

  it('reset forgets the window', () => {
    const p = new RatePolicy({ threshold: 0.5, minimumCalls: 2, window: { kind: 'count', size: 10 } });
    p.observe(obs(true));
    p.reset();
    expect(p.observe(obs(true))).toBeUndefined();
  });
});

describe('wilson policy', () => {
  const z = normalQuantile(0.95);

  it('the Wilson lower bound matches published values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(wilsonLowerBound(3, 10, 1.959964)).toBeCloseTo(0.1078, 4);
    expect(wilsonLowerBound(0, 10, z)).toBe(0);
    expect(wilsonLowerBound(0, 0, z)).toBe(0);
  });

  it('does not trip on a raw rate above the threshold when the lower bound is not (3 of 10 vs 20 %)', () => {
    const p = new WilsonPolicy({
      threshold: 0.2,
      confidence: 0.95,
      minimumCalls: 10,
      window: { kind: 'count', size: 100 },
    });
    const raw = new RatePolicy({ threshold: 0.2, minimumCalls: 10, window: { kind: 'count', size: 100 } });
    let wilson;
    let rate;
    for (let i = 0; i < 10; i++) {
      wilson = p.observe(obs(i < 3));
      rate = raw.observe(obs(i < 3));
    }
    expect(rate).toBeDefined(); // the raw rate (30 %) would trip
    expect(wilson).toBeUndefined(); // the lower bound (12.7 %) does not
    expect(p.snapshot(0).value).toBeCloseTo(0.1269, 3);
  });

  it('trips once there is enough evidence (30 of 100: lower bound 23 % > 20 %)', () => {
    const p = new WilsonPolicy({
      threshold: 0.2,
      confidence: 0.95,
      minimumCalls: 10,
      window: { kind: 'count', size: 100 },
    });
    let decision;
    for (let i = 0; i < 100; i++) decision = p.observe(obs(i % 10 < 3));
    expect(decision).toMatchObject({
      policy: 'wilson',
      details: { calls: 100, bad: 30, threshold: 0.2, confidence: 0.95 },
    });
    expect(decision!.details.lowerBound).toBeCloseTo(0.2307, 3);
  });

  it('respects minimumCalls even when every call is bad', () => {
    const p = new WilsonPolicy({
      threshold: 0.01,
      confidence: 0.5001,
      minimumCalls: 20,
      window: { kind: 'count', size: 100 },
    });
    for (let i = 0; i < 19; i++) expect(p.observe(obs(true))).toBeUndefined();
    expect(p.observe(obs(true))).toBeDefined();
  });
});

describe('policy specs', () => {
  it('fills defaults and builds the named policy', () => {
    const spec = parseOptions(tripPolicySpecRule, { policy: 'wilson' }, 'spec');
    expect(spec).toEqual({
      policy: 'wilson',
      threshold: 0.2,
      confidence: 0.95,
      minimumCalls: 20,
      window: { kind: 'count', size: 100 },
    });
    const p = createPolicy(spec);
    expect(p).toBeInstanceOf(WilsonPolicy);
    expect(isTripPolicy(p)).toBe(true);
    expect(isTripPolicy({ observe() {} })).toBe(false);
  });

  it('rejects thresholds outside (0, 1] and unknown keys', () => {
    expect(validate(tripPolicySpecRule, { policy: 'rate', threshold: 0 }).ok).toBe(false);
    expect(validate(tripPolicySpecRule, { policy: 'rate', threshold: 1.5 }).ok).toBe(false);
    expect(validate(tripPolicySpecRule, { policy: 'rate', treshold: 0.5 }).ok).toBe(false);
    expect(validate(tripPolicySpecRule, { policy: 'rate', window: { kind: 'count', size: 0 } }).ok).toBe(false);
  });
});
