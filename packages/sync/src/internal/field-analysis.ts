import type { SyncRecord } from '../sync-boundary-definition.js';
import type { CompiledField } from './compiled-field.js';
import { deepEqual } from './deep-equal.js';
import { isSyncedEmpty } from './synced-empty.js';

/** Reads one system's value of a field in the canonical format. */
export function readCanonical(field: CompiledField, record: SyncRecord, system: number): unknown {
  const name = field.names[system]!;
  const raw = field.ownPropertyReads && !Object.hasOwn(record, name) ? undefined : record[name];
  const toCanonical = field.toCanonical[system];
  return toCanonical === undefined ? raw : toCanonical(raw);
}

/**
 * Reads a field's base value; `hasBase` is false when the base has no such own property and does not
 * list the field as synced empty.
 */
export function readBase(field: CompiledField, base: SyncRecord): { value: unknown; hasBase: boolean } {
  const value = base[field.name];
  if (value === undefined || field.ownPropertyReads) {
    if (!Object.hasOwn(base, field.name)) return { value: undefined, hasBase: isSyncedEmpty(base, field.name) };
  }
  return { value, hasBase: true };
}

/** The field's normaliser applied to a canonical value. */
export function normalizeValue(field: CompiledField, value: unknown): unknown {
  return field.normalize === undefined ? value : field.normalize(value);
}

/** The field's equality on two normalised values. */
export function valuesEqual(field: CompiledField, a: unknown, b: unknown): boolean {
  return field.equals === undefined ? a === b || deepEqual(a, b) : field.equals(a, b);
}

/** How one field compares across the base and the systems. */
export type FieldKind = 'unchanged' | 'agreed' | 'conflict' | 'first-sync';

/** Everything the planner knows about one field that differs somewhere. */
export interface FieldAnalysis {
  readonly field: CompiledField;
  readonly hasBase: boolean;
  readonly base: unknown;
  /** Canonical value per system index. */
  readonly values: readonly unknown[];
  /** Normalised value per system index. */
  readonly norms: readonly unknown[];
  /** System indexes whose value differs from the base (every system on a first sync). */
  readonly changed: readonly number[];
  readonly kind: FieldKind;
}

/** Compares one field of every system against its base, with the field's readers and equality. */
export function analyzeField(field: CompiledField, records: readonly SyncRecord[], base: SyncRecord | undefined): FieldAnalysis {
  const { value: baseValue, hasBase } = base === undefined ? { value: undefined, hasBase: false } : readBase(field, base);
  const values: unknown[] = [];
  const norms: unknown[] = [];
  for (let s = 0; s < records.length; s++) {
    const value = readCanonical(field, records[s]!, s);
    values.push(value);
    norms.push(normalizeValue(field, value));
  }
  const changed: number[] = [];
  if (!hasBase) {
    let allEqual = true;
    for (let s = 0; s < norms.length; s++) {
      changed.push(s);
      if (s > 0 && !valuesEqual(field, norms[s], norms[0])) allEqual = false;
    }
    return { field, hasBase, base: baseValue, values, norms, changed, kind: allEqual ? 'unchanged' : 'first-sync' };
  }
  const baseNorm = normalizeValue(field, baseValue);
  for (let s = 0; s < norms.length; s++) if (!valuesEqual(field, norms[s], baseNorm)) changed.push(s);
  if (changed.length === 0) return { field, hasBase, base: baseValue, values, norms, changed, kind: 'unchanged' };
  const first = norms[changed[0]!];
  const agreed = changed.every((s) => valuesEqual(field, norms[s], first));
  return { field, hasBase, base: baseValue, values, norms, changed, kind: agreed ? 'agreed' : 'conflict' };
}
