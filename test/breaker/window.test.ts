import { describe, expect, it } from 'vitest';
import { CountWindow, TimeWindow, createWindow } from '../../src/breaker/window.js';

const good = { bad: false, failed: false, slow: false };
const bad = { bad: true, failed: false, slow: false };
const failed = { bad: true, failed: true, slow: false };
const slow = { bad: false, failed: false, slow: true };

describe('CountWindow', () => {
  it('counts exactly the last `size` calls', () => {
    const w = new CountWindow(4);
    for (const o of [bad, bad, good, failed]) w.record(o);
    expect(w.totals()).toEqual({ calls: 4, bad: 3, failed: 1, slow: 0 });
    w.record(good); // evicts the first bad
    expect(w.totals()).toEqual({ calls: 4, bad: 2, failed: 1, slow: 0 });
    w.record(slow); // evicts the second bad
    expect(w.totals()).toEqual({ calls: 4, bad: 1, failed: 1, slow: 1 });
    w.record(good); // evicts good
    w.record(good); // evicts failed
    expect(w.totals()).toEqual({ calls: 4, bad: 0, failed: 0, slow: 1 });
  });

  it('memory is fixed by the configured size, not by traffic', () => {
    const w = new CountWindow(100);
    for (let i = 0; i < 100_000; i++) w.record(i % 10 === 0 ? bad : good);
    const { calls, bad: b } = w.totals();
    expect(calls).toBe(100);
    expect(b).toBe(10);
    expect((w as unknown as { ring: Uint8Array }).ring.length).toBe(100);
  });

  it('reset forgets everything', () => {
    const w = createWindow({ kind: 'count', size: 3 });
    w.record(bad, 0);
    w.reset();
    expect(w.totals(0)).toEqual({ calls: 0, bad: 0, failed: 0, slow: 0 });
    w.record(good, 0);
    expect(w.totals(0)).toEqual({ calls: 1, bad: 0, failed: 0, slow: 0 });
  });
});

describe('TimeWindow', () => {
  it('drops whole buckets once they are older than the window', () => {
    const w = new TimeWindow(1_000, 10); // 100 ms buckets
    w.record(bad, 0);
    w.record(bad, 50);
    w.record(good, 150);
    w.record(failed, 950);
    expect(w.totals(999)).toEqual({ calls: 4, bad: 3, failed: 1, slow: 0 });
    // The bucket [0, 100) ends at 100: expired once it lies entirely before now - 1000.
    expect(w.totals(1_100)).toEqual({ calls: 2, bad: 1, failed: 1, slow: 0 });
    expect(w.totals(1_200)).toEqual({ calls: 1, bad: 1, failed: 1, slow: 0 });
    expect(w.totals(2_100)).toEqual({ calls: 0, bad: 0, failed: 0, slow: 0 });
  });

  it('a bucket slot reused a full window later starts from zero', () => {
    const w = new TimeWindow(1_000, 10);
    w.record(bad, 10);
    // Same slot (index 0) one window later, without any read in between.
    w.record(good, 1_010);
    expect(w.totals(1_010)).toEqual({ calls: 1, bad: 0, failed: 0, slow: 0 });
  });

  it('memory is fixed by the number of buckets however many calls arrive', () => {
    const w = new TimeWindow(60_000, 6);
    for (let i = 0; i < 100_000; i++) w.record(i % 4 === 0 ? bad : good, i); // one call per ms for 100 s
    const internals = w as unknown as { counts: Float64Array; starts: Float64Array };
    expect(internals.counts.length).toBe(6 * 4);
    expect(internals.starts.length).toBe(6);
    const t = w.totals(99_999);
    // Buckets are 10 s: the window holds 60 s of calls (the current bucket partly).
    expect(t.calls).toBe(60_000);
    expect(t.bad).toBe(15_000);
  });

  it('reads within one bucket agree with a fresh window; crossing a bucket boundary expires at once', () => {
    const w = new TimeWindow(1_000, 10);
    w.record(bad, 0);
    w.record(good, 950);
    for (let t = 1_000; t < 1_100; t += 7) expect(w.totals(t)).toEqual({ calls: 2, bad: 1, failed: 0, slow: 0 });
    expect(w.totals(1_100)).toEqual({ calls: 1, bad: 0, failed: 0, slow: 0 });
    w.reset();
    w.record(bad, 1_150);
    expect(w.totals(1_150)).toEqual({ calls: 1, bad: 1, failed: 0, slow: 0 });
  });

  it('defaults to 10 buckets', () => {
    const w = createWindow({ kind: 'time', durationMs: 1_000 }) as TimeWindow;
    expect(w.buckets).toBe(10);
  });
});
