/**
 * Timeouts for every in-flight attempt of one guard, on a single timer. All attempts of a guard
 * share one `timeoutMs`, so deadlines arrive in insertion order: an intrusive doubly linked list
 * is a queue sorted by deadline, with O(1) add and delete and no hashing. Per call this costs a
 * few pointer writes instead of a setTimeout/clearTimeout pair; the one timer is armed for the
 * earliest deadline only, and never keeps the process alive.
 */
import { monotonicNow } from '../clock.js';

export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
  prev: Deadline | undefined;
  next: Deadline | undefined;
  queued: boolean;
}

export class DeadlineQueue {
  private head: Deadline | undefined;
  private tail: Deadline | undefined;
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Released by its guard: the timer goes as soon as the last pending attempt is done. */
  private released = false;

  constructor(private readonly timeoutMs: number) {}

  /** Queues a deadline `timeoutMs` after `startedAt` (monotonic ms, see `monotonicNow`; read now when not given). */
  add(expire: () => void, startedAt: number = monotonicNow()): Deadline {
    const deadline: Deadline = {
      at: startedAt + this.timeoutMs,
      expire,
      prev: this.tail,
      next: undefined,
      queued: true,
    };
    if (this.tail) this.tail.next = deadline;
    else this.head = deadline;
    this.tail = deadline;
    this.count++;
    if (this.timer === undefined) this.arm(deadline.at);
    return deadline;
  }

  delete(deadline: Deadline): void {
    if (!deadline.queued) return;
    deadline.queued = false;
    if (deadline.prev) deadline.prev.next = deadline.next;
    else this.head = deadline.next;
    if (deadline.next) deadline.next.prev = deadline.prev;
    else this.tail = deadline.prev;
    deadline.prev = deadline.next = undefined;
    this.count--;
    if (this.released && this.count === 0) this.clearTimer();
  }

  /**
   * The guard is disposed: attempts in flight still end by their deadline, and the timer goes
   * with the last of them (at once when none is pending).
   */
  release(): void {
    this.released = true;
    if (this.count === 0) this.clearTimer();
  }

  /** Clears the timer; pending attempts are no longer timed. */
  dispose(): void {
    this.clearTimer();
    while (this.head) this.delete(this.head);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get size(): number {
    return this.count;
  }

  private arm(at: number): void {
    // Unref'd: a call in flight keeps the process alive by its own I/O; the timer never should.
    this.timer = setTimeout(this.fire, Math.max(0, at - monotonicNow())).unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = monotonicNow();
    let deadline = this.head;
    // setTimeout may fire up to a millisecond early relative to the monotonic clock.
    while (deadline && deadline.at <= now + 1) {
      this.delete(deadline);
      deadline.expire();
      deadline = this.head;
    }
    if (deadline) this.arm(deadline.at);
  };
}
