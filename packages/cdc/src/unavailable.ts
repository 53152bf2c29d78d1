const UNAVAILABLE_BRAND = Symbol.for('iap.cdc.unavailable');

/**
 * The type of {@link Unavailable}: a column whose value the source did not send because it did not
 * change (PostgreSQL TOAST columns under `REPLICA IDENTITY DEFAULT`, sent by Debezium as the
 * `__debezium_unavailable_value` placeholder). It is not `null` and it is not the placeholder
 * string: write code that leaves such a column untouched.
 */
export class UnavailableValue {
  /** @internal use the {@link Unavailable} singleton */
  private constructor() {
    Object.defineProperty(this, UNAVAILABLE_BRAND, { value: true });
    Object.freeze(this);
  }

  /** @internal */
  static readonly instance: UnavailableValue = new UnavailableValue();

  /** `'[unavailable]'`, never the placeholder text. */
  toString(): string {
    return '[unavailable]';
  }

  /** Serialises as `{"$unavailable":true}` so JSON output cannot mistake it for a value or null. */
  toJSON(): { $unavailable: true } {
    return { $unavailable: true };
  }
}

/**
 * The sentinel for an unchanged value the source did not send (see {@link UnavailableValue}).
 *
 * @example
 * ```ts
 * for (const [column, value] of Object.entries(event.after ?? {})) {
 *   if (isUnavailable(value)) continue; // keep the stored value
 *   update[column] = value;
 * }
 * ```
 */
export const Unavailable: UnavailableValue = UnavailableValue.instance;

/**
 * True when `value` is the {@link Unavailable} sentinel (from any copy of this package).
 *
 * @example
 * ```ts
 * if (isUnavailable(event.after?.biography)) console.log('biography unchanged');
 * ```
 */
export function isUnavailable(value: unknown): value is UnavailableValue {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[UNAVAILABLE_BRAND] === true;
}
