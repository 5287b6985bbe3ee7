import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { monotonicNow } from '../../src/clock.js';
import { DeadlineQueue } from '../../src/routing/deadlines.js';

describe('DeadlineQueue (one timer for every in-flight attempt of a guard)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires attempts in order, skips the ones that finished, and re-arms for the next', () => {
    const q = new DeadlineQueue(1_000);
    const expired: string[] = [];
    q.add(() => expired.push('a'));
    vi.advanceTimersByTime(300);
    const b = q.add(() => expired.push('b'));
    vi.advanceTimersByTime(300);
    q.add(() => expired.push('c'));
    q.delete(b); // finished in time
    expect(q.size).toBe(2);
    vi.advanceTimersByTime(400); // t = 1000: a is due
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(600); // t = 1600: c is due, b never fires
    expect(expired).toEqual(['a', 'c']);
    expect(q.size).toBe(0);
  });

  it('deleting twice, or deleting the only attempt, leaves the queue consistent', () => {
    const q = new DeadlineQueue(50);
    const fired = vi.fn();
    const only = q.add(fired);
    q.delete(only);
    q.delete(only);
    expect(q.size).toBe(0);
    const next = q.add(fired);
    vi.advanceTimersByTime(50);
    expect(fired).toHaveBeenCalledTimes(1);
    q.delete(next); // already expired: a no-op
    expect(q.size).toBe(0);
  });

  it('takes the start time from the caller, so the guard does not read the clock twice', () => {
    const q = new DeadlineQueue(1_000);
    const fired = vi.fn();
    q.add(fired, monotonicNow() - 900);
    vi.advanceTimersByTime(100);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('dispose clears the timer and forgets pending attempts', () => {
    const q = new DeadlineQueue(100);
    const fired = vi.fn();
    q.add(fired);
    q.add(fired);
    q.dispose();
    vi.advanceTimersByTime(1_000);
    expect(fired).not.toHaveBeenCalled();
    expect(q.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
