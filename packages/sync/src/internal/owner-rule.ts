import { IapError } from '@iap/core';
import type { SyncRecord } from '../sync-boundary-definition.js';
import type { CompiledField } from './compiled-field.js';
import { planError } from './errors.js';

/**
 * Resolves a field's owner to a system index (-1 for `manual`), calling its rule when it has one.
 *
 * @throws IapError `SYNC_PLAN` when the rule throws or answers something that is not a system of
 * the boundary nor `manual`.
 */
export function resolveOwner(
  field: CompiledField,
  record: SyncRecord,
  records: Readonly<Record<string, SyncRecord>>,
  systems: readonly string[],
  recordType: string,
): number {
  if (field.ownerKind === 'system') return field.ownerSystem;
  if (field.ownerKind === 'manual') return -1;
  let answer: unknown;
  try {
    answer = field.ownerRule!(record, records);
  } catch (error) {
    if (IapError.isInstance(error)) throw error;
    throw planError(`the owner rule of field '${field.name}' (record type '${recordType}') threw; see cause`, { recordType, field: field.name }, error);
  }
  if (answer === 'manual') return -1;
  const system = typeof answer === 'string' ? systems.indexOf(answer) : -1;
  if (system < 0) {
    throw planError(
      `the owner rule of field '${field.name}' (record type '${recordType}') returned ${typeof answer === 'string' ? 'a string' : `a ${typeof answer}`} that is not one of the boundary's systems (${systems.join(', ')}) nor 'manual'`,
      { recordType, field: field.name },
    );
  }
  return system;
}
