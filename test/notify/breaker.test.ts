/** A notifier's own breaker, on a virtual clock. */
import { describe, expect, it } from 'vitest';
import { NotifierBreaker } from '../../src/incidents/notify/breaker.js';

describe('NotifierBreaker', () => {
  it('opens at the threshold, stays open for the cool-down, then lets one trial through', () => {
    let now = 0;
    const b = new NotifierBreaker(3, 1_000, () => now);
    expect(b.failure()).toBe(false);
    expect(b.failure()).toBe(false);
    expect(b.state).toBe('closed');
    expect(b.failure()).toBe(true);
    expect(b.state).toBe('open');
    expect(b.msUntilRetry()).toBe(1_000);
    now = 999;
    expect(b.state).toBe('open');
    now = 1_000;
    expect(b.state).toBe('half-open');
    expect(b.msUntilRetry()).toBe(0);
  });

  it('a failed trial opens it for another full cool-down; a success closes it and resets the count', () => {
    let now = 0;
    const b = new NotifierBreaker(2, 500, () => now);
    b.failure();
    b.failure();
    now = 500;
    expect(b.failure()).toBe(true);
    expect(b.state).toBe('open');
    expect(b.msUntilRetry()).toBe(500);
    now = 1_000;
    expect(b.success()).toBe(true);
    expect(b.state).toBe('closed');
    expect(b.failure()).toBe(false); // counting starts again from zero
    expect(b.success()).toBe(false); // it was not open
  });
});
