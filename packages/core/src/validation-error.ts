import { ErrorCode } from './error-codes.js';
import { IapError, type IapErrorOptions } from './iap-error.js';

/** One validation problem: where it is (`path`) and what is wrong. Never contains the value. */
export interface ValidationIssue {
  /** Path from the root of the validated value, e.g. `['data', 'items', 0, 'sku']`. */
  readonly path: ReadonlyArray<string | number>;
  /** What is wrong, in words. */
  readonly message: string;
}

/** Formats an issue path as `data.items[0].sku` (`<root>` for the empty path). */
export function formatIssuePath(path: ReadonlyArray<string | number | symbol>): string {
  if (path.length === 0) return '<root>';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/**
 * Input failed validation. `issues` lists every problem with its path; the message names each path
 * and problem but never a value.
 *
 * @example
 * ```ts
 * try { parseEnvelope(input); } catch (err) { if (isValidationError(err)) console.log(err.issues); }
 * ```
 */
export class ValidationError extends IapError {
  /** Every problem found, with its path. */
  readonly issues: readonly ValidationIssue[];
  /** What was being validated (e.g. `envelope`, `envelope data`). */
  readonly subject: string;

  constructor(subject: string, issues: readonly ValidationIssue[], options: Omit<IapErrorOptions, 'details'> = {}) {
    const list = issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`).join('; ');
    super(ErrorCode.VALIDATION, `invalid ${subject}: ${issues.length} issue${issues.length === 1 ? '' : 's'} (${list})`, {
      ...options,
      details: { subject, issues: issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })) },
    });
    this.name = 'ValidationError';
    this.subject = subject;
    this.issues = issues;
  }
}

/** True when `error` is a {@link ValidationError} from any copy of @iap/core. */
export function isValidationError(error: unknown): error is ValidationError {
  return IapError.isInstance(error) && error.code === ErrorCode.VALIDATION && Array.isArray((error as ValidationError).issues);
}
