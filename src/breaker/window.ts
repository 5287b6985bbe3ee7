/**
 * Sliding windows of call outcomes. Both kinds keep running totals, so recording and reading
 * are O(1) per call (a time window may clear a few expired buckets), and memory is fixed by
 * configuration, never by traffic.
 */
import { bytes, floats, num, readBytes, readFloats, record, wide, wideNum, type Saved } from './saved-state.js';

/** What a window counts for one call. */
export interface Outcome {
  /** A detector flagged the output, or the call failed. */
  readonly bad: boolean;
  /** The call failed (provider error or timeout). */
  readonly failed: boolean;
  /** The call was slower than the slow-call threshold (when a policy sets one). */
  readonly slow: boolean;
}

export interface WindowTotals {
  calls: number;
  bad: number;
  failed: number;
  slow: number;
}

export interface OutcomeWindow {
  record(outcome: Outcome, now: number): void;
  totals(now: number): Readonly<WindowTotals>;
  reset(): void;
  save(): Saved;
  restore(state: unknown): void;
}

export type WindowSpec =
  | { readonly kind: 'count'; readonly size: number }
  | { readonly kind: 'time'; readonly durationMs: number; readonly buckets?: number };

export function createWindow(spec: WindowSpec): OutcomeWindow {
  return spec.kind === 'count' ? new CountWindow(spec.size) : new TimeWindow(spec.durationMs, spec.buckets ?? 10);
}

const BAD = 1;
const FAILED = 2;
const SLOW = 4;

/** The last `size` calls exactly: a ring of one byte per call. */
export class CountWindow implements OutcomeWindow {
  private readonly ring: Uint8Array;
  private next = 0;
  private readonly sums: WindowTotals = { calls: 0, bad: 0, failed: 0, slow: 0 };

  constructor(readonly size: number) {
    this.ring = new Uint8Array(size);
  }

  record(outcome: Outcome): void {
    const sums = this.sums;
    if (sums.calls === this.size) {
      const old = this.ring[this.next]!;
      sums.bad -= old & BAD;
      sums.failed -= (old & FAILED) >> 1;
      sums.slow -= (old & SLOW) >> 2;
    } else {
      sums.calls++;
    }
    const bits = (outcome.bad ? BAD : 0) | (outcome.failed ? FAILED : 0) | (outcome.slow ? SLOW : 0);
    this.ring[this.next] = bits;
    sums.bad += bits & BAD;
    sums.failed += (bits & FAILED) >> 1;
    sums.slow += (bits & SLOW) >> 2;
    this.next = this.next + 1 === this.size ? 0 : this.next + 1;
  }

  totals(): Readonly<WindowTotals> {
    return this.sums;
  }

  reset(): void {
    this.ring.fill(0);
    this.next = 0;
    this.sums.calls = this.sums.bad = this.sums.failed = this.sums.slow = 0;
  }

  save(): Saved {
    return { ring: bytes(this.ring), next: this.next, calls: this.sums.calls };
  }

  restore(state: unknown): void {
    const s = record(state, 'count window');
    readBytes(s.ring, this.ring, 'count window ring');
    this.next = num(s.next, 'count window next');
    this.sums.calls = num(s.calls, 'count window calls');
    this.sums.bad = this.sums.failed = this.sums.slow = 0;
    for (const bits of this.ring) {
      this.sums.bad += bits & BAD;
      this.sums.failed += (bits & FAILED) >> 1;
      this.sums.slow += (bits & SLOW) >> 2;
    }
  }
}

/** Calls of the last `durationMs`, in `buckets` buckets: a bucket expires whole. */
export class TimeWindow implements OutcomeWindow {
  private readonly bucketMs: number;
  private readonly counts: Float64Array; // 4 counters per bucket: calls, bad, failed, slow
  private readonly starts: Float64Array;
  /** The bucket index of the last expiry scan. */
  private scannedAt = NaN;
  private readonly sums: WindowTotals = { calls: 0, bad: 0, failed: 0, slow: 0 };

  constructor(
    readonly durationMs: number,
    readonly buckets: number,
  ) {
    this.bucketMs = durationMs / buckets;
    this.counts = new Float64Array(buckets * 4);
    this.starts = new Float64Array(buckets).fill(-Infinity);
  }

  record(outcome: Outcome, now: number): void {
    const i = this.bucketFor(now);
    const o = i * 4;
    this.counts[o]!++;
    this.sums.calls++;
    if (outcome.bad) {
      this.counts[o + 1]!++;
      this.sums.bad++;
    }
    if (outcome.failed) {
      this.counts[o + 2]!++;
      this.sums.failed++;
    }
    if (outcome.slow) {
      this.counts[o + 3]!++;
      this.sums.slow++;
    }
  }

  totals(now: number): Readonly<WindowTotals> {
    this.expire(now);
    return this.sums;
  }

  reset(): void {
    this.scannedAt = NaN;
    this.counts.fill(0);
    this.starts.fill(-Infinity);
    this.sums.calls = this.sums.bad = this.sums.failed = this.sums.slow = 0;
  }

  save(): Saved {
    return { counts: floats(this.counts), starts: floats(this.starts), scannedAt: wide(this.scannedAt) };
  }

  restore(state: unknown): void {
    const s = record(state, 'time window');
    readFloats(s.counts, this.counts, 'time window counts');
    readFloats(s.starts, this.starts, 'time window starts');
    this.scannedAt = s.scannedAt === 'NaN' ? NaN : wideNum(s.scannedAt, 'time window scannedAt');
    this.sums.calls = this.sums.bad = this.sums.failed = this.sums.slow = 0;
    for (let o = 0; o < this.counts.length; o += 4) {
      this.sums.calls += this.counts[o]!;
      this.sums.bad += this.counts[o + 1]!;
      this.sums.failed += this.counts[o + 2]!;
      this.sums.slow += this.counts[o + 3]!;
    }
  }

  private bucketFor(now: number): number {
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    const i = Math.floor(now / this.bucketMs) % this.buckets;
    if (this.starts[i] !== start) {
      this.clear(i);
      this.starts[i] = start;
    }
    return i;
  }

  private expire(now: number): void {
    // Which buckets have expired changes only when `now` enters a new bucket: skip the scan otherwise.
    const bucket = Math.floor(now / this.bucketMs);
    if (bucket === this.scannedAt) return;
    this.scannedAt = bucket;
    const oldest = now - this.durationMs;
    for (let i = 0; i < this.buckets; i++) {
      if (this.starts[i]! + this.bucketMs <= oldest && this.counts[i * 4]! > 0) this.clear(i);
    }
  }

  private clear(i: number): void {
    const o = i * 4;
    this.sums.calls -= this.counts[o]!;
    this.sums.bad -= this.counts[o + 1]!;
    this.sums.failed -= this.counts[o + 2]!;
    this.sums.slow -= this.counts[o + 3]!;
    this.counts.fill(0, o, o + 4);
  }
}
