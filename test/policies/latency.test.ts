import { describe, expect, it } from 'vitest';
import { createPolicy, tripPolicySpecRule } from '../../src/breaker/policies/index.js';
import type { Observation } from '../../src/breaker/policies/types.js';
import { QuantileSketch, SlidingQuantiles } from '../../src/breaker/quantile-sketch.js';
import { parseOptions } from '../../src/validation.js';

const call = (latencyMs: number, now = 0, failed = false): Observation => ({
  bad: failed,
  failed,
  slow: false,
  latencyMs,
  now,
});
const policy = (spec: object) => createPolicy(parseOptions(tripPolicySpecRule, spec, 'spec'));

describe('quantile sketch', () => {
  it('returns quantiles within the relative accuracy, with fixed memory', () => {
    const s = new QuantileSketch({ relativeAccuracy: 0.01 });
    const bins = s.bins;
    for (let i = 1; i <= 10_000; i++) s.add(i);
    expect(s.bins).toBe(bins);
    expect(Math.abs(s.quantile(0.95) - 9500) / 9500).toBeLessThan(0.011);
    expect(Math.abs(s.quantile(0.5) - 5000) / 5000).toBeLessThan(0.011);
    expect(new QuantileSketch().quantile(0.5)).toBeNaN();
  });
  it('count window: only the last N values count', () => {
    const w = new SlidingQuantiles({ kind: 'count', size: 100 });
    for (let i = 0; i < 100; i++) w.record(5_000, 0);
    for (let i = 0; i < 100; i++) w.record(10, 0);
    expect(w.count(0)).toBe(100);
    expect(w.quantile(0.99, 0)).toBeLessThan(11);
  });
  it('time window: buckets roll over', () => {
    const w = new SlidingQuantiles({ kind: 'time', durationMs: 10_000, buckets: 10 });
    for (let i = 0; i < 50; i++) w.record(2_000, 500);
    expect(w.count(5_000)).toBe(50);
    expect(w.count(11_000)).toBe(0);
    expect(w.quantile(0.95, 11_000)).toBeNaN();
  });
});

describe('latency-p95 policy', () => {
  it('trips when p95 over the window passes the threshold, with the numbers in the reason', () => {
    const p = policy({ policy: 'latency-p95', thresholdMs: 1_000, minimumCalls: 20 });
    for (let i = 0; i < 90; i++) expect(p.observe(call(100))).toBeUndefined();
    let decision;
    for (let i = 0; i < 4 && !decision; i++) decision = p.observe(call(3_000));
    expect(decision).toBeUndefined(); // 4 of 94 slow: p95 still fast
    for (let i = 0; i < 10 && !decision; i++) decision = p.observe(call(3_000));
    expect(decision?.policy).toBe('latency-p95');
    expect(decision?.reason).toMatch(/p95 latency of the last \d+ calls is \d+ ms \(> 1000 ms\)/);
    expect(decision?.details.latencyMs).toBeGreaterThan(2_900);
  });
  it('never trips below minimumCalls, nor with no traffic', () => {
    const p = policy({ policy: 'latency-p95', thresholdMs: 10, minimumCalls: 20 });
    expect(p.snapshot(0)).toMatchObject({ calls: 0, value: 0 });
    for (let i = 0; i < 19; i++) expect(p.observe(call(5_000))).toBeUndefined();
    expect(p.observe(call(5_000))).toBeDefined();
  });
  it('time window roll-over forgets old slow calls', () => {
    const p = policy({
      policy: 'latency-p95',
      thresholdMs: 1_000,
      minimumCalls: 5,
      window: { kind: 'time', durationMs: 10_000, buckets: 10 },
    });
    for (let i = 0; i < 4; i++) p.observe(call(5_000, 0));
    expect(p.observe(call(100, 20_000))).toBeUndefined(); // the 4 slow calls expired: 1 call in the window
    expect(p.snapshot(20_000).calls).toBe(1);
  });
});

describe('slow-call-rate policy', () => {
  it('trips on the share of calls slower than slowCallMs, counting timeouts', () => {
    const p = policy({
      policy: 'slow-call-rate',
      slowCallMs: 1_000,
      threshold: 0.5,
      minimumCalls: 10,
      window: { kind: 'count', size: 10 },
    });
    for (let i = 0; i < 5; i++) expect(p.observe(call(50))).toBeUndefined();
    for (let i = 0; i < 4; i++) expect(p.observe(call(2_000, 0, true))).toBeUndefined();
    const d = p.observe(call(1_500));
    expect(d?.reason).toBe('5 of the last 10 calls took longer than 1000 ms (50.0 % ≥ 50.0 %)');
    p.reset();
    expect(p.snapshot(0).calls).toBe(0);
  });
  it('a call at exactly slowCallMs is not slow', () => {
    const p = policy({ policy: 'slow-call-rate', slowCallMs: 1_000, threshold: 1, minimumCalls: 1 });
    expect(p.observe(call(1_000))).toBeUndefined();
  });
});
