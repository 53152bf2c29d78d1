import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';
import { ValidationError, type ValidationIssue } from './validation-error.js';

export type { StandardSchemaV1 };

/** The result of {@link validateWithSchema}: the typed value or the issues. */
export type SchemaValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/**
 * Maps Standard Schema issues to {@link ValidationIssue}s, with each path prefixed by `prefix`
 * (path segments given as `{ key }` objects are unwrapped; symbol keys become strings). For callers
 * that run `schema['~standard'].validate` themselves, e.g. to keep a synchronous hot path.
 *
 * @example
 * ```ts
 * const result = schema['~standard'].validate(value);
 * if (!(result instanceof Promise) && result.issues) throw new ValidationError('data', toValidationIssues(result.issues, ['data']));
 * ```
 */
export function toValidationIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>, prefix: ReadonlyArray<string | number> = []): ValidationIssue[] {
  return issues.map((issue) => ({
    path: [
      ...prefix,
      ...(issue.path ?? []).map((segment) => {
        const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
        return typeof key === 'number' ? key : String(key);
      }),
    ],
    message: issue.message,
  }));
}

/** True when `value` implements the Standard Schema interface (`~standard`), as zod, valibot and arktype do. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function'
  );
}

/**
 * Validates `value` synchronously with any Standard Schema validator (zod, valibot, arktype, ...).
 * Issue paths are prefixed with `pathPrefix`.
 *
 * @throws IapError code `ASYNC_SCHEMA` when the validator returns a promise; use {@link validateWithSchemaAsync}.
 * @example
 * ```ts
 * const r = validateWithSchema(z.object({ id: z.string() }), input, ['data']);
 * if (!r.ok) console.log(r.issues);
 * ```
 */
export function validateWithSchema<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  pathPrefix: ReadonlyArray<string | number> = [],
): SchemaValidationResult<StandardSchemaV1.InferOutput<S>> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    result.catch(() => undefined);
    throw new IapError(ErrorCode.ASYNC_SCHEMA, 'the schema validates asynchronously; use the async variant of this function');
  }
  if (result.issues) return { ok: false, issues: toValidationIssues(result.issues, pathPrefix) };
  return { ok: true, value: result.value as StandardSchemaV1.InferOutput<S> };
}

/** Validates with any Standard Schema validator, sync or async. */
export async function validateWithSchemaAsync<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  pathPrefix: ReadonlyArray<string | number> = [],
): Promise<SchemaValidationResult<StandardSchemaV1.InferOutput<S>>> {
  const result = await schema['~standard'].validate(value);
  if (result.issues) return { ok: false, issues: toValidationIssues(result.issues, pathPrefix) };
  return { ok: true, value: result.value as StandardSchemaV1.InferOutput<S> };
}

/**
 * Validates synchronously and returns the typed value.
 *
 * @throws ValidationError listing every issue with its path; IapError `ASYNC_SCHEMA` for async validators.
 */
export function assertWithSchema<S extends StandardSchemaV1>(schema: S, value: unknown, subject: string, pathPrefix: ReadonlyArray<string | number> = []): StandardSchemaV1.InferOutput<S> {
  const result = validateWithSchema(schema, value, pathPrefix);
  if (!result.ok) throw new ValidationError(subject, result.issues);
  return result.value;
}
