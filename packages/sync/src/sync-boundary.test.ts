import { IapError } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { defineSyncBoundary } from './sync-boundary.js';
import type { SyncBoundaryDefinition } from './sync-boundary-definition.js';
import { SyncErrorCode } from './sync-error-codes.js';
import { SyncDefinitionError, SyncPlanError, isSyncDefinitionError, isSyncPlanError } from './sync-errors.js';

type System = 'crm' | 'erp';

const valid: SyncBoundaryDefinition<System> = {
  recordType: 'customer',
  systems: ['crm', 'erp'],
  fields: {
    email: 'crm',
    name: { owner: 'crm' },
    creditLimit: 'erp',
    notes: 'manual',
    status: { owner: (record) => (record.invoiced === true ? 'erp' : 'crm') },
  },
  excluded: ['password_hash'],
  mappings: { erp: { email: 'contact_email', creditLimit: { name: 'credit_limit_cents', toCanonical: (v) => Number(v) / 100, toSystem: (v) => Number(v) * 100 } } },
};

/** Builds a definition from the valid one with some parts replaced (untyped: tests feed bad input). */
function withChanges(changes: Record<string, unknown>): SyncBoundaryDefinition<System> {
  // Replacing the fields drops the mappings of the valid definition, unless the change gives its own.
  const mappings = 'fields' in changes && !('mappings' in changes) ? { mappings: undefined } : {};
  return { ...valid, ...mappings, ...changes } as unknown as SyncBoundaryDefinition<System>;
}

function definitionError(build: () => unknown): IapError {
  try {
    build();
  } catch (error) {
    expect(isSyncDefinitionError(error)).toBe(true);
    return error as IapError;
  }
  throw new Error('expected a SYNC_DEFINITION error');
}

describe('defineSyncBoundary validation', () => {
  it('accepts a valid definition', () => {
    expect(() => defineSyncBoundary(valid)).not.toThrow();
  });

  it('rejects a field that is both excluded and owned, naming the field', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ excluded: ['email'] })));
    expect(error.code).toBe(SyncErrorCode.SYNC_DEFINITION);
    expect(error.message).toContain("field 'email' is both excluded and owned");
    expect(error.details).toMatchObject({ recordType: 'customer', field: 'email' });
  });

  it('rejects an owner that is not a system, naming the field and the owner', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ fields: { email: 'billing' } })));
    expect(error.message).toContain("field 'email' is owned by 'billing'");
    expect(error.message).toContain('crm, erp');
    expect(error.details).toMatchObject({ field: 'email', system: 'billing' });
  });

  it('rejects a field without an owner', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ fields: { email: { conflict: 'owner-wins' } } })));
    expect(error.message).toContain("field 'email' needs an owner");
  });

  it('rejects a mapping to a missing field, naming the field', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ mappings: { erp: { phone: 'phone_number' } } })));
    expect(error.message).toContain("maps field 'phone', which is missing from fields");
    expect(error.details).toMatchObject({ field: 'phone', system: 'erp' });
  });

  it('rejects a mapping of an excluded field', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ mappings: { erp: { password_hash: 'pw' } } })));
    expect(error.message).toContain("maps field 'password_hash', which is excluded");
  });

  it('rejects a mapping for an unknown system', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ mappings: { billing: { email: 'mail' } } })));
    expect(error.message).toContain("unknown system 'billing'");
    expect(error.details).toMatchObject({ system: 'billing' });
  });

  it('rejects a transform given one way only', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ mappings: { erp: { creditLimit: { toCanonical: Number } } } })));
    expect(error.message).toContain('needs both toCanonical and toSystem');
    expect(error.details).toMatchObject({ field: 'creditLimit', system: 'erp' });
  });

  it('rejects two fields with the same name in one system', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ mappings: { erp: { email: 'name' } } })));
    expect(error.message).toContain("fields 'email' and 'name' are both named 'name' in erp");
  });

  it('rejects a mapping onto an excluded field name', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ mappings: { erp: { email: 'password_hash' } } })));
    expect(error.message).toContain("field 'email' is mapped to 'password_hash' in erp, which is an excluded field");
  });

  it.each([
    ['fewer than two systems', { systems: ['crm'] }, 'two or more systems'],
    ['duplicate systems', { systems: ['crm', 'crm'] }, "system 'crm' is listed twice"],
    ['a system named manual', { systems: ['crm', 'manual'] }, "'manual' is reserved"],
    ['an empty system name', { systems: ['crm', ''] }, 'non-empty string'],
    ['systems that are not an array', { systems: 'crm,erp' }, 'systems must be an array'],
    ['no fields', { fields: {} }, 'fields is empty'],
    ['fields that are not an object', { fields: ['email'] }, 'fields must be an object'],
    ['a field named __proto__', { fields: JSON.parse('{"__proto__": "crm"}') as unknown }, "'__proto__' cannot name a field"],
    ['an unknown conflict policy', { fields: { email: { owner: 'crm', conflict: 'newest' } } }, 'conflict must be'],
    ['a merge policy without a function', { fields: { email: { owner: 'crm', conflict: { merge: 'concat' } } } }, 'conflict must be'],
    ['an unknown non-owner policy', { fields: { email: { owner: 'crm', nonOwnerChange: 'ignore' } } }, 'nonOwnerChange must be'],
    ['a negative clock-skew tolerance', { defaults: { clockSkewToleranceMs: -1 } }, 'clockSkewToleranceMs must be'],
    ['a non-function normaliser', { fields: { email: { owner: 'crm', normalize: 'lower' } } }, 'normalize must be a function'],
    ['a non-function equality', { fields: { email: { owner: 'crm', equals: true } } }, 'equals must be a function'],
    ['a misspelt field option', { fields: { email: { owner: 'crm', confilct: 'manual-review' } } }, "unknown option 'confilct'"],
    ['a misspelt top-level option', { exclude: ['x'] }, "unknown option 'exclude'"],
    ['excluded that is not an array', { excluded: 'password_hash' }, 'excluded must be an array'],
    ['a non-boolean audit option', { audit: { includeValues: 'yes' } }, 'audit.includeValues must be a boolean'],
    ['an empty mapped name', { mappings: { erp: { email: '' } } }, 'must be a non-empty name'],
  ])('rejects %s', (_label, changes, message) => {
    const error = definitionError(() => defineSyncBoundary(withChanges(changes)));
    expect(error.message).toContain(message);
    expect(error.message).toContain("'customer'");
  });

  it('names the field in policy errors', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ fields: { email: { owner: 'crm', conflict: 'newest' } } })));
    expect(error.message).toContain("field 'email'");
    expect(error.details).toMatchObject({ field: 'email' });
  });

  it('rejects an empty record type', () => {
    const error = definitionError(() => defineSyncBoundary(withChanges({ recordType: ' ' })));
    expect(error.message).toContain('recordType must be a non-empty string');
  });

  it('catches an owner that is not a system at compile time too', () => {
    expect(() =>
      defineSyncBoundary({
        recordType: 'customer',
        systems: ['crm', 'erp'],
        fields: {
          // @ts-expect-error 'erpp' is not one of the boundary's systems
          email: 'erpp',
        },
      }),
    ).toThrow(/owned by 'erpp'/);
  });

  it('rejects a definition that is not an object', () => {
    definitionError(() => defineSyncBoundary(null as unknown as SyncBoundaryDefinition<System>));
  });
});

describe('SyncBoundary queries', () => {
  const boundary = defineSyncBoundary(valid);

  it('lists synced and excluded fields in definition order', () => {
    expect(boundary.syncedFields()).toEqual(['email', 'name', 'creditLimit', 'notes', 'status']);
    expect(boundary.excludedFields()).toEqual(['password_hash']);
    expect(boundary.systems).toEqual(['crm', 'erp']);
    expect(boundary.recordType).toBe('customer');
  });

  it('says whether a field is synced', () => {
    expect(boundary.isSynced('email')).toBe(true);
    expect(boundary.isSynced('password_hash')).toBe(false);
    expect(boundary.isSynced('unknown')).toBe(false);
  });

  it('returns static owners and undefined for fields that are not synced', () => {
    expect(boundary.ownerOf('email')).toBe('crm');
    expect(boundary.ownerOf('creditLimit')).toBe('erp');
    expect(boundary.ownerOf('notes')).toBe('manual');
    expect(boundary.ownerOf('password_hash')).toBeUndefined();
    expect(boundary.ownerOf('unknown')).toBeUndefined();
  });

  it('evaluates owner rules against a record', () => {
    expect(boundary.ownerOf('status', { invoiced: true })).toBe('erp');
    expect(boundary.ownerOf('status', { invoiced: false })).toBe('crm');
  });

  it('accepts a rule as owner shorthand and passes it the systems records', () => {
    const shorthand = defineSyncBoundary({
      recordType: 'order',
      systems: ['crm', 'erp'],
      fields: { status: (_record, records) => (records.erp?.invoiced_at === undefined ? 'crm' : 'erp') },
    });
    expect(shorthand.ownerOf('status', {}, { erp: { invoiced_at: '2025-11-20' } })).toBe('erp');
    expect(shorthand.ownerOf('status', {})).toBe('crm');
  });

  it('needs a record to resolve a rule-owned field', () => {
    expect(() => boundary.ownerOf('status')).toThrow(/owned by a rule: pass the record/);
    try {
      boundary.ownerOf('status');
    } catch (error) {
      expect(isSyncPlanError(error)).toBe(true);
    }
  });

  it('lists the fields an owner owns, rules only with a record', () => {
    expect(boundary.fieldsOwnedBy('crm')).toEqual(['email', 'name']);
    expect(boundary.fieldsOwnedBy('crm', { invoiced: false })).toEqual(['email', 'name', 'status']);
    expect(boundary.fieldsOwnedBy('erp', { invoiced: true })).toEqual(['creditLimit', 'status']);
    expect(boundary.fieldsOwnedBy('manual')).toEqual(['notes']);
  });

  it('rejects an unknown owner in fieldsOwnedBy', () => {
    expect(() => boundary.fieldsOwnedBy('billing' as System)).toThrow(/neither a system/);
  });

  it('reports a rule that answers something that is not a system', () => {
    const odd = defineSyncBoundary(withChanges({ fields: { status: { owner: () => 'billing' } } }));
    expect(() => odd.ownerOf('status', {})).toThrow(/not one of the boundary's systems/);
  });

  it('gives each field its name in each system', () => {
    expect(boundary.fieldNameIn('erp', 'email')).toBe('contact_email');
    expect(boundary.fieldNameIn('crm', 'email')).toBe('email');
    expect(boundary.fieldNameIn('erp', 'creditLimit')).toBe('credit_limit_cents');
    expect(boundary.fieldNameIn('erp', 'password_hash')).toBeUndefined();
  });

  it('uses the class brand, not instanceof or the code alone, in its guards', () => {
    const foreign = Object.assign(new Error('x'), { code: SyncErrorCode.SYNC_DEFINITION });
    expect(isSyncDefinitionError(foreign)).toBe(false);
    expect(isSyncDefinitionError(new IapError(SyncErrorCode.SYNC_DEFINITION, 'x'))).toBe(false);
    const error = new SyncDefinitionError('x', { recordType: 'customer', field: 'email' });
    expect(isSyncDefinitionError(error) && SyncDefinitionError.isInstance(error) && IapError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'SYNC_DEFINITION', recordType: 'customer', field: 'email', details: { recordType: 'customer', field: 'email' } });
    expect(isSyncPlanError(error) || SyncPlanError.isInstance(error)).toBe(false);
  });
});
