import { invalidOptions } from './options.js';

/**
 * Validates the shape of a bucket window: an integer duration in ms, an integer bucket count, at
 * least 1 ms per bucket, and `durationMs * bucketCount` small enough for exact integer arithmetic.
 *
 * @throws IapError `INVALID_OPTIONS` naming the option.
 */
export function checkBucketWindow(component: string, durationName: string, durationMs: number, countName: string, bucketCount: number): void {
  if (typeof durationMs !== 'number' || !Number.isInteger(durationMs) || durationMs < 1) throw invalidOptions(component, `${durationName} must be an integer number of ms >= 1`);
  if (typeof bucketCount !== 'number' || !Number.isInteger(bucketCount) || bucketCount < 1) throw invalidOptions(component, `${countName} must be an integer >= 1`);
  if (durationMs < bucketCount) throw invalidOptions(component, `${durationName} / ${countName} must be >= 1 ms`);
  if (durationMs * bucketCount > Number.MAX_SAFE_INTEGER) throw invalidOptions(component, `${durationName} * ${countName} must be <= Number.MAX_SAFE_INTEGER`);
}

/**
 * A time-based sliding window of `durationMs` made of `bucketCount` fixed buckets, counting
 * `metricCount` metrics. Counters live in preallocated typed arrays (a ring of buckets) with running
 * totals: recording is O(1) amortised (each bucket is cleared at most once per bucket length),
 * reading a total is O(1), and nothing is allocated per call.
 *
 * Bucket bounds are exact on whole milliseconds, also when `durationMs / bucketCount` is not an
 * integer: the instant `t` is in bucket `floor(floor(t) * bucketCount / durationMs)`, and bucket `e`
 * starts at `ceil(e * durationMs / bucketCount)`, computed in integers (no rounded bucket length).
 * `durationMs` must be an integer and `durationMs * bucketCount` a safe integer
 * ({@link checkBucketWindow}); times are ms >= 0.
 *
 * The window covers the current bucket and the `bucketCount - 1` before it. A clock that goes back
 * records into the newest bucket.
 */
export class BucketWindow {
  readonly durationMs: number;
  readonly bucketCount: number;
  readonly metricCount: number;
  readonly #counts: Float64Array;
  readonly #totals: Float64Array;
  /** Absolute index (floor(floor(now) * bucketCount / durationMs)) of the newest bucket; -1 before the first record. */
  #headEpoch = -1;
  #headSlot = 0;
  /** [start, end) of the newest bucket in ms, so recording inside it needs no division. */
  #headStartMs = Number.POSITIVE_INFINITY;
  #headEndMs = Number.NEGATIVE_INFINITY;

  constructor(durationMs: number, bucketCount: number, metricCount: number) {
    this.durationMs = durationMs;
    this.bucketCount = bucketCount;
    this.metricCount = metricCount;
    this.#counts = new Float64Array(bucketCount * metricCount);
    this.#totals = new Float64Array(metricCount);
  }

  /** Moves the window to `nowMs`, dropping buckets that fell out of it. */
  advance(nowMs: number): void {
    if (nowMs < this.#headEndMs && nowMs >= this.#headStartMs) return;
    const epoch = this.epochOf(nowMs);
    const head = this.#headEpoch;
    if (epoch <= head) return;
    if (head < 0 || epoch - head >= this.bucketCount) {
      this.#counts.fill(0);
      this.#totals.fill(0);
    } else {
      for (let e = head + 1; e <= epoch; e++) this.#clearSlot(e % this.bucketCount);
    }
    this.#setHead(epoch);
  }

  #setHead(epoch: number): void {
    this.#headEpoch = epoch;
    this.#headSlot = epoch % this.bucketCount;
    this.#headStartMs = this.startOf(epoch);
    this.#headEndMs = this.startOf(epoch + 1);
  }

  /**
   * The bucket of the instant `nowMs`: `floor(floor(nowMs) * bucketCount / durationMs)`, computed as
   * `q * bucketCount + floor(r * bucketCount / durationMs)` with `floor(nowMs) = q * durationMs + r`,
   * so every product stays below `durationMs * bucketCount` (a safe integer). Math.floor of a
   * quotient of two safe integers is exact: the rounding error of the division is below 1 / divisor.
   */
  epochOf(nowMs: number): number {
    const d = this.durationMs;
    const t = Math.floor(nowMs);
    const q = Math.floor(t / d);
    return q * this.bucketCount + Math.floor(((t - q * d) * this.bucketCount) / d);
  }

  /** The first whole millisecond of bucket `epoch`: `ceil(epoch * durationMs / bucketCount)`, in integers. */
  startOf(epoch: number): number {
    const b = this.bucketCount;
    const q = Math.floor(epoch / b);
    return q * this.durationMs + Math.ceil(((epoch - q * b) * this.durationMs) / b);
  }

  /** Adds `amount` to `metric` in the bucket of `nowMs`. */
  add(nowMs: number, metric: number, amount = 1): void {
    if (nowMs >= this.#headEndMs || nowMs < this.#headStartMs) this.advance(nowMs);
    this.#counts[this.#headSlot * this.metricCount + metric]! += amount;
    this.#totals[metric]! += amount;
  }

  /**
   * Adds `amount` to `metric` in the newest bucket without looking at the time: for a caller that
   * knows the newest bucket is still current (and that has recorded at least once since a reset).
   */
  addToHead(metric: number, amount = 1): void {
    this.#counts[this.#headSlot * this.metricCount + metric]! += amount;
    this.#totals[metric]! += amount;
  }

  /** When the newest bucket ends (ms); `-Infinity` before the first record. */
  get headEndMs(): number {
    return this.#headEndMs;
  }

  /** The sum of `metric` over the window as of the last `advance`/`add`. */
  total(metric: number): number {
    return this.#totals[metric]!;
  }

  /**
   * Milliseconds from `nowMs` until the window total of `metric` drops to `target` or below as old
   * buckets leave the window; 0 when it already is; `Infinity` when only the current bucket would
   * have to leave and even that is not enough (cannot happen for `target >= 0`).
   */
  msUntilTotalAtMost(nowMs: number, metric: number, target: number): number {
    this.advance(nowMs);
    let total = this.#totals[metric]!;
    if (total <= target) return 0;
    for (let age = this.bucketCount - 1; age >= 0; age--) {
      const epoch = this.#headEpoch - age;
      if (epoch < 0) continue;
      total -= this.#counts[(epoch % this.bucketCount) * this.metricCount + metric]!;
      if (total <= target) return Math.max(0, this.startOf(epoch + this.bucketCount) - nowMs);
    }
    return Number.POSITIVE_INFINITY;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#totals.fill(0);
    this.#headEpoch = -1;
    this.#headSlot = 0;
    this.#headStartMs = Number.POSITIVE_INFINITY;
    this.#headEndMs = Number.NEGATIVE_INFINITY;
  }

  /** Serialisable contents: the newest bucket's epoch and each bucket's counts, oldest first. */
  toJSON(): { headEpoch: number; buckets: number[][] } {
    const buckets: number[][] = [];
    if (this.#headEpoch >= 0) {
      for (let age = this.bucketCount - 1; age >= 0; age--) {
        const epoch = this.#headEpoch - age;
        const row: number[] = [];
        for (let m = 0; m < this.metricCount; m++) row.push(epoch < 0 ? 0 : this.#counts[(epoch % this.bucketCount) * this.metricCount + m]!);
        buckets.push(row);
      }
    }
    return { headEpoch: this.#headEpoch, buckets };
  }

  /** Restores contents written by {@link BucketWindow.toJSON} for the same shape. */
  load(headEpoch: number, buckets: readonly (readonly number[])[]): void {
    this.reset();
    if (headEpoch < 0 || buckets.length !== this.bucketCount) return;
    this.#setHead(headEpoch);
    for (let i = 0; i < this.bucketCount; i++) {
      const epoch = headEpoch - (this.bucketCount - 1 - i);
      if (epoch < 0) continue;
      const slot = epoch % this.bucketCount;
      for (let m = 0; m < this.metricCount; m++) {
        const value = buckets[i]![m] ?? 0;
        this.#counts[slot * this.metricCount + m] = value;
        this.#totals[m]! += value;
      }
    }
  }

  #clearSlot(slot: number): void {
    const base = slot * this.metricCount;
    for (let m = 0; m < this.metricCount; m++) {
      const value = this.#counts[base + m]!;
      if (value !== 0) {
        this.#totals[m]! -= value;
        this.#counts[base + m] = 0;
      }
    }
  }
}
