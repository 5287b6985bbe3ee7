/**
 * Bounded-memory latency quantiles over a sliding window. Values go into logarithmic bins
 * (as in DDSketch): every quantile is returned within `relativeAccuracy` of a true sample value,
 * with a fixed number of bins whatever the traffic. A count window keeps one bin index per call
 * (exact sliding window); a time window keeps one histogram per bucket and drops whole buckets.
 */
import { bytes, floats, num, readBytes, readFloats, record, type Saved } from './saved-state.js';

export interface QuantileSketchOptions {
  /** Relative accuracy of returned quantiles, e.g. 0.01 for ±1 % (default 0.01). */
  readonly relativeAccuracy?: number;
  /** Smallest distinguished value (default 0.1); smaller values share the lowest bin. */
  readonly min?: number;
  /** Largest distinguished value (default 10⁷, about 3 hours in ms); larger ones share the top bin. */
  readonly max?: number;
}

/** Log-binned histogram with fixed bins: add, remove and merge are O(1); a quantile is O(bins). */
export class QuantileSketch {
  readonly bins: number;
  readonly counts: Float64Array;
  private total = 0;
  private readonly logGamma: number;
  private readonly gamma: number;
  private readonly minIndex: number;

  constructor(options: QuantileSketchOptions = {}) {
    const alpha = options.relativeAccuracy ?? 0.01;
    const min = options.min ?? 0.1;
    const max = options.max ?? 1e7;
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${alpha}`);
    if (!(min > 0 && max > min)) throw new RangeError(`need 0 < min < max, got min ${min}, max ${max}`);
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
    this.minIndex = Math.ceil(Math.log(min) / this.logGamma);
    this.bins = Math.ceil(Math.log(max) / this.logGamma) - this.minIndex + 1;
    this.counts = new Float64Array(this.bins);
  }

  /** Number of values in the sketch. */
  get count(): number {
    return this.total;
  }

  /** The bin a value falls in. */
  binOf(value: number): number {
    if (!(value > 0)) return 0;
    const i = Math.ceil(Math.log(value) / this.logGamma) - this.minIndex;
    return i < 0 ? 0 : i >= this.bins ? this.bins - 1 : i;
  }

  add(value: number): void {
    this.addBin(this.binOf(value), 1);
  }

  /** Adds (or, with a negative count, removes) `count` values in bin `bin`. */
  addBin(bin: number, count: number): void {
    this.counts[bin]! += count;
    this.total += count;
  }

  /** The q-quantile (0 ≤ q ≤ 1), or NaN when empty. */
  quantile(q: number): number {
    if (this.total <= 0) return NaN;
    const rank = q * (this.total - 1);
    let seen = 0;
    for (let i = 0; i < this.bins; i++) {
      seen += this.counts[i]!;
      if (seen > rank) return this.valueOf(i);
    }
    return this.valueOf(this.bins - 1);
  }

  clear(): void {
    this.counts.fill(0);
    this.total = 0;
  }

  /** A representative value of bin `i`: within the relative accuracy of every value in it. */
  private valueOf(i: number): number {
    return (2 * this.gamma ** (i + this.minIndex)) / (this.gamma + 1);
  }
}

export type SlidingSpec =
  | { readonly kind: 'count'; readonly size: number }
  | { readonly kind: 'time'; readonly durationMs: number; readonly buckets?: number };

/** Latency quantiles over the last `size` calls, or the last `durationMs`, in bounded memory. */
export class SlidingQuantiles {
  private readonly total: QuantileSketch;
  private readonly ring: Uint16Array | undefined;
  private next = 0;
  private filled = 0;
  private readonly bucketCounts: Float64Array | undefined; // buckets × bins, time window only
  private readonly starts: Float64Array | undefined;
  private readonly bucketMs: number;

  constructor(
    private readonly spec: SlidingSpec,
    sketch: QuantileSketchOptions = {},
  ) {
    this.total = new QuantileSketch(sketch);
    if (this.total.bins > 65_535)
      throw new RangeError('quantile sketch: too many bins; raise relativeAccuracy or narrow min/max');
    if (spec.kind === 'count') {
      this.ring = new Uint16Array(spec.size);
      this.bucketMs = 0;
    } else {
      const buckets = spec.buckets ?? 10;
      this.bucketMs = spec.durationMs / buckets;
      this.bucketCounts = new Float64Array(buckets * this.total.bins);
      this.starts = new Float64Array(buckets).fill(-Infinity);
    }
  }

  record(value: number, now: number): void {
    const bin = this.total.binOf(value);
    if (this.ring) {
      if (this.filled === this.ring.length) this.total.addBin(this.ring[this.next]!, -1);
      else this.filled++;
      this.ring[this.next] = bin;
      this.next = (this.next + 1) % this.ring.length;
    } else {
      const b = this.bucketFor(now);
      this.bucketCounts![b * this.total.bins + bin]!++;
    }
    this.total.addBin(bin, 1);
  }

  /** Values in the window at `now`. */
  count(now: number): number {
    this.expire(now);
    return this.total.count;
  }

  quantile(q: number, now: number): number {
    this.expire(now);
    return this.total.quantile(q);
  }

  reset(): void {
    this.total.clear();
    this.next = this.filled = 0;
    this.bucketCounts?.fill(0);
    this.starts?.fill(-Infinity);
  }

  /** The window's values, JSON-safe: a count window's ring of bins, a time window's non-zero bucket bins. */
  save(): Saved {
    if (this.ring) return { ring: bytes(this.ring), next: this.next, filled: this.filled };
    const bins: number[] = [];
    this.bucketCounts!.forEach((count, i) => {
      if (count !== 0) bins.push(i, count);
    });
    return { bins, starts: floats(this.starts!) };
  }

  restore(state: unknown): void {
    const s = record(state, 'latency window');
    this.reset();
    if (this.ring) {
      readBytes(s.ring, this.ring, 'latency window ring');
      this.next = num(s.next, 'latency window next');
      this.filled = num(s.filled, 'latency window filled');
      for (let i = 0; i < this.filled; i++) this.total.addBin(this.ring[i]!, 1);
      return;
    }
    readFloats(s.starts, this.starts!, 'latency window starts');
    const bins = s.bins;
    if (!Array.isArray(bins) || bins.length % 2 !== 0)
      throw new TypeError('latency window bins: expected [index, count, …]');
    for (let k = 0; k < bins.length; k += 2) {
      const i = num(bins[k], 'latency window bin index');
      if (!Number.isInteger(i) || i < 0 || i >= this.bucketCounts!.length)
        throw new TypeError(`latency window bins: index ${i} out of range (was the window resized?)`);
      const count = num(bins[k + 1], 'latency window bin count');
      this.bucketCounts![i] = count;
      this.total.addBin(i % this.total.bins, count);
    }
  }

  private bucketFor(now: number): number {
    const n = this.starts!.length;
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    const i = Math.floor(now / this.bucketMs) % n;
    if (this.starts![i] !== start) {
      this.clearBucket(i);
      this.starts![i] = start;
    }
    return i;
  }

  private expire(now: number): void {
    if (!this.starts) return;
    const oldest = now - (this.spec as { durationMs: number }).durationMs;
    for (let i = 0; i < this.starts.length; i++)
      if (this.starts[i]! + this.bucketMs <= oldest && this.starts[i] !== -Infinity) this.clearBucket(i);
  }

  private clearBucket(i: number): void {
    const bins = this.total.bins;
    const o = i * bins;
    for (let k = 0; k < bins; k++) {
      const c = this.bucketCounts![o + k]!;
      if (c !== 0) {
        this.total.addBin(k, -c);
        this.bucketCounts![o + k] = 0;
      }
    }
    this.starts![i] = -Infinity;
  }
}
