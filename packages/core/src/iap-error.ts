import { ErrorCode } from './error-codes.js';

const IAP_ERROR_BRAND = Symbol.for('iap.error');

/** The static side every IapError class has: its brand, read by `isInstance`. */
interface BrandedErrorClass {
  readonly errorBrand: string;
}

/** Options accepted by the {@link IapError} constructor. */
export interface IapErrorOptions {
  /** The underlying error, kept as `cause`. */
  cause?: unknown;
  /**
   * Whether retrying the same operation may succeed.
   * @defaultValue `false`
   */
  retryable?: boolean;
  /** A hint, in milliseconds, of when a retry may succeed (e.g. from a Retry-After header). */
  retryAfterMs?: number;
  /** Structured, value-free details for logs and handlers (field paths, header names, offsets). */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The base error of every @iap package. Carries a `code` (core's generic codes are in
 * {@link ErrorCode}; each package exports its own code map and typed subclasses), whether the failure is
 * `retryable`, the `cause`, and an optional `retryAfterMs` hint. Messages never contain secrets or
 * payload values.
 *
 * Use {@link IapError.isInstance} instead of `instanceof`: it works across duplicated installs and
 * across the ESM and CJS builds, where `instanceof` does not.
 *
 * @example
 * ```ts
 * throw new IapError(ErrorCode.INVALID_OPTIONS, 'maxAttempts must be a positive integer (got a negative number)');
 * ```
 */
export class IapError<Code extends string = string> extends Error {
  /** Machine-readable code: one of core's {@link ErrorCode} or of the throwing package's code map. */
  readonly code: Code;
  /** Whether the same operation may succeed if retried. */
  readonly retryable: boolean;
  /** When the failure says how long to wait before retrying, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Value-free structured details (paths, names, offsets). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: NoInfer<Code>, message: string, options: IapErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IapError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details ?? {};
    // the base brand, and one per class of the chain that declares its own `errorBrand`, so
    // `Subclass.isInstance` works across duplicated installs and the ESM and CJS builds
    Object.defineProperty(this, IAP_ERROR_BRAND, { value: true, enumerable: false });
    for (let type: unknown = new.target; typeof type === 'function' && type !== IapError; type = Object.getPrototypeOf(type)) {
      if (Object.hasOwn(type, 'errorBrand')) Object.defineProperty(this, Symbol.for((type as unknown as BrandedErrorClass).errorBrand), { value: true, enumerable: false });
    }
  }

  /**
   * The brand `isInstance` checks. Every subclass declares its own, unique across @iap, e.g.
   * `static override readonly errorBrand = 'iap.kafka.MessageDecodeError'`.
   */
  static readonly errorBrand: string = 'iap.error';

  /**
   * True when `value` is an instance of this class (IapError or the subclass it is called on) from
   * any copy of @iap (ESM or CJS, any version): it checks the class's `errorBrand`, not the
   * prototype chain.
   *
   * @example
   * ```ts
   * if (IapError.isInstance(err)) console.log(err.code);
   * ```
   */
  static isInstance<T extends IapError>(this: BrandedErrorClass & (abstract new (...args: never[]) => T), value: unknown): value is T {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[this.errorBrand === 'iap.error' ? IAP_ERROR_BRAND : Symbol.for(this.errorBrand)] === true;
  }

  /** A JSON-safe view of the error for logs: name, code, message, retryable, details. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      details: this.details,
    };
  }
}

/**
 * Normalises anything thrown into an {@link IapError}. IapErrors are returned as they are; other
 * errors become code `UNKNOWN` with the original as `cause`. The message of a foreign error is kept
 * (it is the caller's own text); non-Error values are described by type only, never by value.
 *
 * @example
 * ```ts
 * try { await call(); } catch (err) { const e = toIapError(err); log.warn({ code: e.code }, e.message); }
 * ```
 */
export function toIapError(value: unknown, fallbackCode: string = ErrorCode.UNKNOWN): IapError {
  if (IapError.isInstance(value)) return value;
  if (value instanceof Error) {
    const retryAfterMs = readRetryAfterMs(value);
    return new IapError(fallbackCode, value.message || value.name, {
      cause: value,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  const kind = value === null ? 'null' : typeof value;
  return new IapError(fallbackCode, `a non-Error value of type ${kind} was thrown`, { cause: value });
}

/**
 * Reads a retry-after hint (milliseconds) from an error: `retryAfterMs` on any object, else
 * undefined. Negative, non-finite and non-numeric values are ignored.
 */
export function readRetryAfterMs(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** True when `error` is an {@link IapError} with the given code (core's or a package's). */
export function hasErrorCode(error: unknown, code: string): error is IapError {
  return IapError.isInstance(error) && error.code === code;
}
