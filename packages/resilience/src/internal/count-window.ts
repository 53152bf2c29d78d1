/** Outcome flag bits stored per call in a {@link CountWindow}. */
export const FAILURE_BIT = 1;
/** Set when the call was slow. */
export const SLOW_BIT = 2;

/**
 * A count-based sliding window over the last `size` calls: a preallocated ring of one byte per call
 * plus running totals, so recording and reading are O(1) and allocate nothing.
 */
export class CountWindow {
  readonly size: number;
  readonly #outcomes: Uint8Array;
  #next = 0;
  #calls = 0;
  #failures = 0;
  #slowCalls = 0;

  constructor(size: number) {
    this.size = size;
    this.#outcomes = new Uint8Array(size);
  }

  /** Records one call's outcome bits ({@link FAILURE_BIT}, {@link SLOW_BIT}). */
  record(bits: number): void {
    const index = this.#next;
    if (this.#calls === this.size) {
      const old = this.#outcomes[index]!;
      this.#failures -= old & FAILURE_BIT;
      this.#slowCalls -= (old & SLOW_BIT) >> 1;
    } else {
      this.#calls++;
    }
    this.#outcomes[index] = bits;
    this.#failures += bits & FAILURE_BIT;
    this.#slowCalls += (bits & SLOW_BIT) >> 1;
    this.#next = index + 1 === this.size ? 0 : index + 1;
  }

  get calls(): number {
    return this.#calls;
  }

  get failures(): number {
    return this.#failures;
  }

  get slowCalls(): number {
    return this.#slowCalls;
  }

  reset(): void {
    this.#outcomes.fill(0);
    this.#next = 0;
    this.#calls = 0;
    this.#failures = 0;
    this.#slowCalls = 0;
  }

  /** The recorded outcome bits, oldest first. */
  toArray(): number[] {
    const result: number[] = [];
    const start = this.#calls === this.size ? this.#next : 0;
    for (let i = 0; i < this.#calls; i++) result.push(this.#outcomes[(start + i) % this.size]!);
    return result;
  }

  /** Replaces the contents with `outcomes` (oldest first); only the newest `size` are kept. */
  load(outcomes: readonly number[]): void {
    this.reset();
    const from = Math.max(0, outcomes.length - this.size);
    for (let i = from; i < outcomes.length; i++) this.record(outcomes[i]! & (FAILURE_BIT | SLOW_BIT));
  }
}
