import { ErrorCode, IapError } from '@iap/core';

/**
 * An error as the saga log stores it: name, message and, for IapErrors, code and retryable.
 *
 * @example
 * ```ts
 * const { name, message, code } = JSON.parse(checkpoint.errorJson!) as StoredError;
 * ```
 */
export interface StoredError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly retryable?: boolean;
}

/** @internal JSON text of `value`, or undefined for `undefined`. Throws a `VALIDATION` IapError when not serialisable. */
export function toJsonText(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new IapError(ErrorCode.VALIDATION, `${what} is not JSON-serialisable (${error instanceof Error ? error.message : 'unknown reason'}); saga inputs and step results must be JSON values`, {
      cause: error,
    });
  }
  // functions and symbols stringify to undefined: keep them as "no value"
  return text;
}

/** @internal Parses JSON text written by {@link toJsonText}; undefined stays undefined. */
export function fromJsonText(text: string | undefined, what: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new IapError(ErrorCode.DECODE, `${what} in the saga store is not valid JSON; the stored record is damaged`, { cause: error });
  }
}

/** @internal The stored form of anything thrown. Non-Error values are described by type only. */
export function toStoredError(error: unknown): StoredError {
  if (IapError.isInstance(error)) return { name: error.name, message: error.message, code: error.code, retryable: error.retryable };
  if (error instanceof Error) return { name: error.name, message: error.message };
  const kind = error === null ? 'null' : typeof error;
  return { name: 'NonError', message: `a non-Error value of type ${kind} was thrown` };
}

/** @internal Reads a stored error back; a damaged entry becomes a generic description. */
export function parseStoredError(text: string | undefined): StoredError {
  const value = text === undefined ? undefined : safeParse(text);
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    return {
      name: typeof v.name === 'string' ? v.name : 'Error',
      message: typeof v.message === 'string' ? v.message : 'no message recorded',
      ...(typeof v.code === 'string' ? { code: v.code } : {}),
      ...(typeof v.retryable === 'boolean' ? { retryable: v.retryable } : {}),
    };
  }
  return { name: 'Error', message: 'no error recorded' };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
