import { IapError, formatIssuePath } from '@iap/core';
import { CdcErrorCode } from './cdc-error-codes.js';
import type { CdcFormat } from './cdc-format.js';

/**
 * Why a message could not be parsed.
 *
 * - `invalid-input`: not bytes, a string, a JSON value or null;
 * - `invalid-utf8`: the bytes are not UTF-8;
 * - `too-large`: the input is larger than `maxInputBytes`;
 * - `invalid-json`: the text is not JSON (`offset` says where);
 * - `too-deep`: nesting deeper than `maxDepth`;
 * - `unknown-format`: no supported format matches (set `format` to force one);
 * - `missing-field`: a required field is absent;
 * - `invalid-field`: a field has the wrong type or an impossible value;
 * - `invalid-value`: a column value does not match its declared type (bad base64, bad decimal...);
 * - `unsupported`: a valid message of a kind this package does not handle;
 * - `event-count`: `parseChange` found no event or several (use `parseChanges`).
 */
export type CdcParseReason =
  | 'invalid-input'
  | 'invalid-utf8'
  | 'too-large'
  | 'invalid-json'
  | 'too-deep'
  | 'unknown-format'
  | 'missing-field'
  | 'invalid-field'
  | 'invalid-value'
  | 'unsupported'
  | 'event-count';

/** What a {@link CdcParseError} is built from. */
export interface CdcParseErrorInit {
  /** The format being parsed, or `'unknown'` before it is known. */
  readonly format: CdcFormat | 'unknown';
  readonly reason: CdcParseReason;
  /** Path of the offending value from the root of the message (`[]` for the whole message). */
  readonly path: readonly (string | number)[];
  /** What is wrong, without any value from the message. */
  readonly problem: string;
  /** What to do about it, when there is something to do. */
  readonly hint?: string;
  /** Offset in the text (UTF-16 code units) for JSON syntax errors. */
  readonly offset?: number;
  readonly cause?: unknown;
}

/**
 * A CDC message could not be parsed. Code `CDC_PARSE`; `format`, `reason` and `path` say what and
 * where (also in `details`). The message never contains values from the input. Not retryable: the
 * same bytes fail the same way, so route the record to a dead-letter topic.
 *
 * @example
 * ```ts
 * try {
 *   parseChanges(bytes);
 * } catch (error) {
 *   if (isCdcParseError(error)) log.warn({ reason: error.reason, path: error.path }, error.message);
 * }
 * ```
 */
export class CdcParseError extends IapError<typeof CdcErrorCode.CDC_PARSE> {
  static override readonly errorBrand = 'iap.cdc.CdcParseError';
  readonly format: CdcFormat | 'unknown';
  readonly reason: CdcParseReason;
  /** The path formatted as `payload.after.price` (`<root>` for the whole message). */
  readonly path: string;
  /** The path as segments. */
  readonly pathSegments: readonly (string | number)[];
  /** Offset in the text for JSON syntax errors. */
  readonly offset: number | undefined;

  constructor(init: CdcParseErrorInit) {
    const path = formatIssuePath(init.path);
    const where = init.offset === undefined ? `at ${path}` : `at ${path} (offset ${init.offset})`;
    const subject = init.format === 'unknown' ? 'CDC message' : `${init.format} message`;
    super(CdcErrorCode.CDC_PARSE, `cannot parse ${subject} ${where}: ${init.problem}${init.hint === undefined ? '' : `; ${init.hint}`}`, {
      cause: init.cause,
      retryable: false,
      details: { format: init.format, reason: init.reason, path, ...(init.offset === undefined ? {} : { offset: init.offset }) },
    });
    this.name = 'CdcParseError';
    this.format = init.format;
    this.reason = init.reason;
    this.path = path;
    this.pathSegments = Object.freeze([...init.path]);
    this.offset = init.offset;
  }
}

/**
 * True when `error` is a {@link CdcParseError} from any copy of this package (checks the code and
 * shape, not `instanceof`).
 *
 * @example
 * ```ts
 * const result = safeParseChanges(bytes);
 * if (!result.ok && isCdcParseError(result.error)) deadLetter(record, result.error.reason);
 * ```
 */
export function isCdcParseError(error: unknown): error is CdcParseError {
  return CdcParseError.isInstance(error);
}
