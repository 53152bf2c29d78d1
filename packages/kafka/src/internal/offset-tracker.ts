/**
 * Tracks which records of one fetched batch are done when several are processed at once, and what
 * may be committed: only the contiguous prefix of completed records, so a crash never skips a
 * record that was still in flight. Offsets are those of the batch, in order (gaps from compaction or
 * transaction markers are fine: positions, not arithmetic, decide).
 */
export class OffsetTracker {
  readonly #offsets: readonly string[];
  readonly #done: Uint8Array;
  /** Index of the first record not yet completed. */
  #firstPending = 0;

  constructor(offsets: readonly string[]) {
    this.#offsets = offsets;
    this.#done = new Uint8Array(offsets.length);
  }

  /** Marks the record at `index` (position in the batch) completed. */
  complete(index: number): void {
    if (index < 0 || index >= this.#done.length) throw new RangeError(`index ${index} is outside the batch (0..${this.#done.length - 1})`);
    this.#done[index] = 1;
    while (this.#firstPending < this.#done.length && this.#done[this.#firstPending] === 1) this.#firstPending++;
  }

  /** True when the record at `index` is completed. */
  isComplete(index: number): boolean {
    return this.#done[index] === 1;
  }

  /** Position of the first record that is not completed (the batch length when all are). */
  get firstPending(): number {
    return this.#firstPending;
  }

  /**
   * The offset to commit (the next record to read): the offset of the first incomplete record, or the
   * last offset plus one when all are complete; undefined when not even the first record is done.
   */
  committableOffset(): string | undefined {
    if (this.#firstPending === 0) return undefined;
    if (this.#firstPending < this.#offsets.length) return this.#offsets[this.#firstPending];
    return nextOffset(this.#offsets[this.#offsets.length - 1]!);
  }

  /** Offsets of completed records after the first incomplete one (done "ahead" of the commit point). */
  completedAhead(): string[] {
    const ahead: string[] = [];
    for (let i = this.#firstPending + 1; i < this.#done.length; i++) if (this.#done[i] === 1) ahead.push(this.#offsets[i]!);
    return ahead;
  }
}

/** `offset + 1` on decimal strings (Kafka offsets are 64-bit). */
export function nextOffset(offset: string): string {
  const n = Number(offset);
  return Number.isSafeInteger(n + 1) ? String(n + 1) : (BigInt(offset) + 1n).toString();
}

/** `offset - 1` on decimal strings. */
export function previousOffset(offset: string): string {
  const n = Number(offset);
  return Number.isSafeInteger(n) ? String(n - 1) : (BigInt(offset) - 1n).toString();
}
