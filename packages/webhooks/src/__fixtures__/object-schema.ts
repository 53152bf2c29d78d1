/**
 * A minimal Standard Schema (v1) validator for tests: an object whose listed keys must be strings.
 * Real validators (zod, valibot, arktype) implement the same `~standard` interface.
 */
import type { StandardSchemaV1 } from '@iap/core';

export function stringFieldsSchema<const K extends string>(keys: readonly K[]): StandardSchemaV1<unknown, Record<K, string>> {
  return {
    '~standard': {
      version: 1,
      vendor: 'iap-test',
      validate(value: unknown) {
        if (typeof value !== 'object' || value === null) return { issues: [{ message: 'expected an object' }] };
        const issues = keys
          .filter((key) => typeof (value as Record<string, unknown>)[key] !== 'string')
          .map((key) => ({ message: 'expected a string', path: [key] }));
        return issues.length > 0 ? { issues } : { value: value as Record<K, string> };
      },
    },
  };
}
