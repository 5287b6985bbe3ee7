/**
 * Timeouts for every in-flight attempt of one guard, on a single timer. All attempts of a guard
 * share one `timeoutMs`, so deadlines arrive in insertion order: a Set (insertion-ordered,
 * O(1) delete) is a queue sorted by deadline. Per call this costs a Set add and delete instead of
 * a setTimeout/clearTimeout pair, and no timer is armed while nothing is in flight.
 */
export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
}

export class DeadlineQueue {
  private readonly pending = new Set<Deadline>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(private readonly timeoutMs: number) {}

  add(expire: () => void): Deadline {
    const deadline: Deadline = { at: performance.now() + this.timeoutMs, expire };
    this.pending.add(deadline);
    if (this.timer === undefined) this.arm(deadline.at);
    return deadline;
  }

  delete(deadline: Deadline): void {
    this.pending.delete(deadline);
  }

  /** Clears the timer; pending attempts are no longer timed. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }

  private arm(at: number): void {
    this.timerAt = at;
    // Unref'd: a call in flight keeps the process alive by its own I/O; the timer never should.
    this.timer = setTimeout(this.fire, Math.max(0, at - performance.now())).unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    for (const deadline of this.pending) {
      // setTimeout may fire up to a millisecond early relative to performance.now().
      if (deadline.at > now + 1) {
        this.arm(deadline.at);
        return;
      }
      this.pending.delete(deadline);
      deadline.expire();
    }
    this.timerAt = Infinity;
  };
}
