import { ErrorCode, IapError } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { emailAddress } from './normalizers.js';
import { defineSyncBoundary } from './sync-boundary.js';
import type { SyncBoundaryDefinition, SyncFieldDefinition, SyncRecord } from './sync-boundary-definition.js';
import { SyncErrorCode } from './sync-error-codes.js';
import { isSyncPlanError } from './sync-errors.js';
import type { SyncPlan } from './sync-plan.js';

type System = 'crm' | 'erp';

/** A two-system boundary with one field `x` defined by `field`, plus a CRM-owned `name`. */
function oneField(field: SyncFieldDefinition<System>, extra: Partial<SyncBoundaryDefinition<System>> = {}) {
  return defineSyncBoundary<System>({ recordType: 'customer', systems: ['crm', 'erp'], fields: { x: field, name: 'crm' }, ...extra });
}

function planError(run: () => unknown): IapError {
  try {
    run();
  } catch (error) {
    expect(isSyncPlanError(error)).toBe(true);
    return error as IapError;
  }
  throw new Error('expected a SYNC_PLAN error');
}

const base = { x: 'b', name: 'Ada' };

describe('plan: unchanged records', () => {
  it('returns an empty plan whose next base is the given base', () => {
    const boundary = oneField({ owner: 'crm' });
    const plan = boundary.plan({ base, records: { crm: { x: 'b', name: 'Ada' }, erp: { x: 'b', name: 'Ada' } }, recordId: 'c-1' });
    expect(plan.empty).toBe(true);
    expect(plan.decisions).toEqual([]);
    expect(plan.conflicts).toEqual([]);
    expect(plan.manualReview).toEqual([]);
    expect(plan.audit).toEqual([]);
    expect(plan.patches).toEqual({ crm: {}, erp: {} });
    expect(plan.nextBase).toBe(base);
    expect(plan.recordId).toBe('c-1');
    expect(plan.recordType).toBe('customer');
  });

  it('compares values deeply by default', () => {
    const boundary = oneField({ owner: 'crm' });
    const nested = { lines: [{ sku: 'A', qty: 1 }], at: new Date(0) };
    const plan = boundary.plan({
      base: { x: nested, name: 'Ada' },
      records: { crm: { x: structuredClone(nested), name: 'Ada' }, erp: { x: structuredClone(nested), name: 'Ada' } },
    });
    expect(plan.empty).toBe(true);
  });

  it('ignores fields that are not synced, including excluded ones', () => {
    const boundary = oneField({ owner: 'crm' }, { excluded: ['password_hash'] });
    const plan = boundary.plan({
      base,
      records: { crm: { x: 'b', name: 'Ada', password_hash: 'h1', other: 1 }, erp: { x: 'b', name: 'Ada', password_hash: 'h2', other: 2 } },
    });
    expect(plan.empty).toBe(true);
  });
});

describe('plan: changes by one side', () => {
  it('propagates a change made by the owner', () => {
    const boundary = oneField({ owner: 'crm' });
    const plan = boundary.plan({ base, records: { crm: { x: 'new', name: 'Ada' }, erp: { x: 'b', name: 'Ada' } } });
    expect(plan.patches).toEqual({ crm: {}, erp: { x: 'new' } });
    expect(plan.decisions).toEqual([
      {
        field: 'x',
        situation: 'changed',
        action: 'propagate',
        policy: 'owner',
        owner: 'crm',
        changedBy: ['crm'],
        source: 'crm',
        patched: ['erp'],
        reason: "crm changed 'x' and crm owns it; crm's value written to erp",
      },
    ]);
    expect(plan.nextBase).toEqual({ x: 'new', name: 'Ada' });
    expect(plan.empty).toBe(false);
  });

  it('propagates when the owner and a non-owner made the same change', () => {
    const boundary = oneField({ owner: 'crm' });
    const plan = boundary.plan({ base, records: { crm: { x: 'new', name: 'Ada' }, erp: { x: 'new', name: 'Ada' } } });
    expect(plan.patches).toEqual({ crm: {}, erp: {} });
    expect(plan.decisions[0]).toMatchObject({ situation: 'changed', action: 'propagate', changedBy: ['crm', 'erp'], patched: [] });
    expect(plan.nextBase).toEqual({ x: 'new', name: 'Ada' });
  });

  it('rejects a non-owner change by default, writing the owner value back', () => {
    const boundary = oneField({ owner: 'crm' });
    const plan = boundary.plan({ base, records: { crm: { x: 'b', name: 'Ada' }, erp: { x: 'erp-edit', name: 'Ada' } } });
    expect(plan.patches).toEqual({ crm: {}, erp: { x: 'b' } });
    expect(plan.decisions[0]).toMatchObject({ situation: 'non-owner-change', action: 'revert', policy: 'reject', source: 'crm', patched: ['erp'] });
    expect(plan.decisions[0]!.reason).toBe("erp changed 'x' but crm owns it; change rejected (nonOwnerChange: reject); crm's value written to erp");
    expect(plan.nextBase).toEqual(base);
  });

  it('accepts a non-owner change when configured, reporting it', () => {
    const boundary = oneField({ owner: 'crm', nonOwnerChange: 'accept' });
    const plan = boundary.plan({ base, records: { crm: { x: 'b', name: 'Ada' }, erp: { x: 'erp-edit', name: 'Ada' } } });
    expect(plan.patches).toEqual({ crm: { x: 'erp-edit' }, erp: {} });
    expect(plan.decisions[0]).toMatchObject({ situation: 'non-owner-change', action: 'propagate', policy: 'accept', source: 'erp', patched: ['crm'] });
    expect(plan.nextBase).toEqual({ x: 'erp-edit', name: 'Ada' });
  });

  it('queues a non-owner change for manual review when configured', () => {
    const boundary = oneField({ owner: 'crm', nonOwnerChange: 'queue' });
    const plan = boundary.plan({ base, records: { crm: { x: 'b', name: 'Ada' }, erp: { x: 'erp-edit', name: 'Ada' } } });
    expect(plan.patches).toEqual({ crm: {}, erp: {} });
    expect(plan.decisions[0]).toMatchObject({ situation: 'non-owner-change', action: 'manual-review', policy: 'queue', source: undefined, patched: [] });
    expect(plan.manualReview).toEqual([
      { field: 'x', situation: 'non-owner-change', owner: 'crm', base: 'b', hasBase: true, values: { crm: 'b', erp: 'erp-edit' }, changedBy: ['erp'] },
    ]);
    expect(plan.nextBase).toEqual(base);
  });

  it('uses the boundary default for non-owner changes', () => {
    const boundary = oneField({ owner: 'crm' }, { defaults: { nonOwnerChange: 'accept' } });
    const plan = boundary.plan({ base, records: { crm: { x: 'b', name: 'Ada' }, erp: { x: 'erp-edit', name: 'Ada' } } });
    expect(plan.decisions[0]).toMatchObject({ policy: 'accept' });
  });

  it('propagates a one-sided change on a manually owned field', () => {
    const boundary = oneField({ owner: 'manual' });
    const plan = boundary.plan({ base, records: { crm: { x: 'b', name: 'Ada' }, erp: { x: 'erp-edit', name: 'Ada' } } });
    expect(plan.patches).toEqual({ crm: { x: 'erp-edit' }, erp: {} });
    expect(plan.decisions[0]).toMatchObject({ situation: 'changed', action: 'propagate', policy: 'agreed', owner: 'manual', source: 'erp' });
  });
});

describe('plan: conflicts', () => {
  const conflicting = { crm: { x: 'crm-edit', name: 'Ada' }, erp: { x: 'erp-edit', name: 'Ada' } };

  it('lets the owner win by default and reports the conflict with both values and the base', () => {
    const boundary = oneField({ owner: 'erp' });
    const plan = boundary.plan({ base, records: conflicting });
    expect(plan.patches).toEqual({ crm: { x: 'erp-edit' }, erp: {} });
    expect(plan.conflicts).toEqual([
      {
        field: 'x',
        situation: 'conflict',
        base: 'b',
        hasBase: true,
        values: { crm: 'crm-edit', erp: 'erp-edit' },
        changedBy: ['crm', 'erp'],
        policy: 'owner-wins',
        winner: 'erp',
      },
    ]);
    expect(plan.decisions[0]!.reason).toBe("crm and erp changed 'x' to different values (conflict: owner-wins); owner erp wins; erp's value written to crm");
    expect(plan.nextBase).toEqual({ x: 'erp-edit', name: 'Ada' });
  });

  it('queues a conflict on a manually owned field even under owner-wins', () => {
    const boundary = oneField({ owner: 'manual', conflict: 'owner-wins' });
    const plan = boundary.plan({ base, records: conflicting });
    expect(plan.patches).toEqual({ crm: {}, erp: {} });
    expect(plan.decisions[0]).toMatchObject({ action: 'manual-review', policy: 'owner-wins' });
    expect(plan.manualReview.map((review) => review.field)).toEqual(['x']);
    expect(plan.conflicts[0]).toMatchObject({ winner: undefined });
  });

  it('queues conflicts under manual-review', () => {
    const boundary = oneField({ owner: 'crm', conflict: 'manual-review' });
    const plan = boundary.plan({ base, records: conflicting });
    expect(plan.patches).toEqual({ crm: {}, erp: {} });
    expect(plan.decisions[0]).toMatchObject({ situation: 'conflict', action: 'manual-review', policy: 'manual-review' });
    expect(plan.nextBase).toEqual(base);
  });

  it('merges with a custom function', () => {
    const boundary = oneField({
      owner: 'crm',
      conflict: { merge: ({ values, changedBy, base: before, hasBase, owner, field }) => `${field}:${String(before)}:${String(hasBase)}:${owner}:${changedBy.map((s) => String(values[s])).join('+')}` },
    });
    const plan = boundary.plan({ base, records: conflicting });
    const merged = 'x:b:true:crm:crm-edit+erp-edit';
    expect(plan.patches).toEqual({ crm: { x: merged }, erp: { x: merged } });
    expect(plan.decisions[0]).toMatchObject({ action: 'merge', policy: 'merge', source: undefined, patched: ['crm', 'erp'] });
    expect(plan.nextBase).toEqual({ x: merged, name: 'Ada' });
  });

  it('does not patch a system that already holds the merged value', () => {
    const boundary = oneField({ owner: 'crm', conflict: { merge: ({ values }) => values.erp } });
    const plan = boundary.plan({ base, records: conflicting });
    expect(plan.patches).toEqual({ crm: { x: 'erp-edit' }, erp: {} });
  });

  describe('last-writer-wins', () => {
    const boundary = oneField({ owner: 'crm', conflict: 'last-writer-wins', clockSkewToleranceMs: 500 });

    it('lets the later writer win', () => {
      const plan = boundary.plan({ base, records: conflicting, modifiedAt: { crm: 10_000, erp: 20_000 } });
      expect(plan.patches).toEqual({ crm: { x: 'erp-edit' }, erp: {} });
      expect(plan.decisions[0]).toMatchObject({ policy: 'last-writer-wins', source: 'erp' });
      expect(plan.decisions[0]!.reason).toContain('erp wrote last, 10000 ms after the next');
      expect(plan.conflicts[0]).toMatchObject({ winner: 'erp' });
    });

    it('accepts Dates', () => {
      const plan = boundary.plan({ base, records: conflicting, modifiedAt: { crm: new Date(30_000), erp: new Date(20_000) } });
      expect(plan.decisions[0]).toMatchObject({ source: 'crm' });
    });

    it('falls back to the owner for equal times', () => {
      const owner = oneField({ owner: 'erp', conflict: 'last-writer-wins' });
      const plan = owner.plan({ base, records: conflicting, modifiedAt: { crm: 5_000, erp: 5_000 } });
      expect(plan.decisions[0]).toMatchObject({ policy: 'last-writer-wins', source: 'erp' });
      expect(plan.decisions[0]!.reason).toContain('within the 1000 ms clock-skew tolerance, so the owner decides');
    });

    it('falls back to the owner within the clock-skew tolerance', () => {
      const plan = boundary.plan({ base, records: conflicting, modifiedAt: { crm: 10_000, erp: 10_500 } });
      expect(plan.decisions[0]).toMatchObject({ source: 'crm' });
      const later = boundary.plan({ base, records: conflicting, modifiedAt: { crm: 10_000, erp: 10_501 } });
      expect(later.decisions[0]).toMatchObject({ source: 'erp' });
    });

    it('uses the boundary default tolerance', () => {
      const wide = oneField({ owner: 'crm', conflict: 'last-writer-wins' }, { defaults: { clockSkewToleranceMs: 60_000 } });
      const plan = wide.plan({ base, records: conflicting, modifiedAt: { crm: 0, erp: 59_000 } });
      expect(plan.decisions[0]).toMatchObject({ source: 'crm' });
    });

    it('queues a tie on a manually owned field', () => {
      const manual = oneField({ owner: 'manual', conflict: 'last-writer-wins' });
      const plan = manual.plan({ base, records: conflicting, modifiedAt: { crm: 0, erp: 0 } });
      expect(plan.decisions[0]).toMatchObject({ action: 'manual-review', policy: 'last-writer-wins' });
    });

    it('needs the modification times of the conflicting systems', () => {
      const error = planError(() => boundary.plan({ base, records: conflicting, modifiedAt: { crm: 1 } }));
      expect(error.code).toBe(SyncErrorCode.SYNC_PLAN);
      expect(error.message).toContain("field 'x' uses last-writer-wins");
      expect(error.message).toContain('modifiedAt.erp is missing');
      expect(error.details).toMatchObject({ field: 'x', system: 'erp' });
      expect(() => boundary.plan({ base, records: conflicting, modifiedAt: { crm: 1, erp: Number.NaN } })).toThrow(/not a finite epoch-ms/);
      expect(() => boundary.plan({ base, records: conflicting, modifiedAt: { crm: 1, erp: new Date('nope') } })).toThrow(/not a finite epoch-ms/);
    });

    it('does not need modification times without a conflict', () => {
      const plan = boundary.plan({ base, records: { crm: { x: 'crm-edit', name: 'Ada' }, erp: { x: 'b', name: 'Ada' } } });
      expect(plan.decisions[0]).toMatchObject({ situation: 'changed', source: 'crm' });
    });
  });
});

describe('plan: first sync', () => {
  it('resolves differences by owner, whatever the conflict policy', () => {
    const boundary = oneField({ owner: 'erp', conflict: 'manual-review' });
    const plan = boundary.plan({ records: { crm: { x: 'c', name: 'Ada' }, erp: { x: 'e', name: 'Ada' } } });
    expect(plan.patches).toEqual({ crm: { x: 'e' }, erp: {} });
    expect(plan.decisions).toHaveLength(1);
    expect(plan.decisions[0]).toMatchObject({ situation: 'first-sync', action: 'propagate', policy: 'owner', changedBy: ['crm', 'erp'], source: 'erp' });
    expect(plan.conflicts[0]).toMatchObject({ situation: 'first-sync', hasBase: false, base: undefined, winner: 'erp' });
    expect(plan.nextBase).toEqual({ x: 'e', name: 'Ada' });
  });

  it('queues differences on manually owned fields', () => {
    const boundary = oneField({ owner: 'manual' });
    const plan = boundary.plan({ records: { crm: { x: 'c', name: 'Ada' }, erp: { x: 'e', name: 'Ada' } } });
    expect(plan.decisions[0]).toMatchObject({ situation: 'first-sync', action: 'manual-review' });
    expect(plan.nextBase).toEqual({ name: 'Ada' });
  });

  it('builds the base when every system agrees', () => {
    const boundary = oneField({ owner: 'crm' });
    const plan = boundary.plan({ base: null as unknown as undefined, records: { crm: { x: 1, name: 'Ada' }, erp: { x: 1, name: 'Ada' } } });
    expect(plan.empty).toBe(true);
    expect(plan.nextBase).toEqual({ x: 1, name: 'Ada' });
  });

  it('treats a field missing from the base as a first sync of that field', () => {
    const boundary = oneField({ owner: 'erp' });
    const differs = boundary.plan({ base: { name: 'Ada' }, records: { crm: { x: 'c', name: 'Ada' }, erp: { x: 'e', name: 'Ada' } } });
    expect(differs.decisions[0]).toMatchObject({ field: 'x', situation: 'first-sync', source: 'erp' });
    const agrees = boundary.plan({ base: { name: 'Ada' }, records: { crm: { x: 'same', name: 'Ada' }, erp: { x: 'same', name: 'Ada' } } });
    expect(agrees.empty).toBe(true);
    expect(agrees.nextBase).toEqual({ name: 'Ada', x: 'same' });
  });

  it('keeps an explicit undefined in the base as a base value', () => {
    const boundary = oneField({ owner: 'erp' });
    const plan = boundary.plan({ base: { x: undefined, name: 'Ada' }, records: { crm: { x: 'c', name: 'Ada' }, erp: { name: 'Ada' } } });
    expect(plan.decisions[0]).toMatchObject({ situation: 'non-owner-change', action: 'revert' });
    expect(plan.patches.crm).toEqual({ x: undefined });
  });
});

describe('plan: mappings, transforms and normalisers', () => {
  const boundary = defineSyncBoundary({
    recordType: 'customer',
    systems: ['crm', 'erp'],
    fields: {
      email: { owner: 'crm', normalize: emailAddress },
      creditLimit: 'erp',
    },
    mappings: {
      erp: {
        email: 'contact_email',
        creditLimit: { name: 'credit_limit_cents', toCanonical: (v) => (v as number) / 100, toSystem: (v) => Math.round((v as number) * 100) },
      },
    },
  });
  const syncedBase = { email: 'ada@example.com', creditLimit: 500 };

  it('reads each system under its own names and formats', () => {
    const plan = boundary.plan({ base: syncedBase, records: { crm: { email: 'ada@example.com', creditLimit: 500 }, erp: { contact_email: 'ada@example.com', credit_limit_cents: 50_000 } } });
    expect(plan.empty).toBe(true);
  });

  it('writes patches under the system names and formats', () => {
    const plan = boundary.plan({
      base: syncedBase,
      records: { crm: { email: 'grace@example.com', creditLimit: 500 }, erp: { contact_email: 'ada@example.com', credit_limit_cents: 75_000 } },
    });
    expect(plan.patches).toEqual({ crm: { creditLimit: 750 }, erp: { contact_email: 'grace@example.com' } });
    expect(plan.nextBase).toEqual({ email: 'grace@example.com', creditLimit: 750 });
  });

  it('treats values equal after normalisation as unchanged', () => {
    const plan = boundary.plan({
      base: syncedBase,
      records: { crm: { email: '  ADA@Example.com ', creditLimit: 500 }, erp: { contact_email: 'ada@example.com', credit_limit_cents: 50_000 } },
    });
    expect(plan.empty).toBe(true);
  });

  it('does not patch a system whose value only differs before normalisation', () => {
    const plan = boundary.plan({
      base: syncedBase,
      records: { crm: { email: 'Grace@Example.com', creditLimit: 500 }, erp: { contact_email: 'grace@example.com', credit_limit_cents: 50_000 } },
    });
    expect(plan.decisions[0]).toMatchObject({ field: 'email', situation: 'changed', changedBy: ['crm', 'erp'], patched: [] });
    expect(plan.patches).toEqual({ crm: {}, erp: {} });
    expect(plan.nextBase.email).toBe('Grace@Example.com');
  });

  it('uses a custom equality on normalised values', () => {
    const tolerant = oneField({ owner: 'crm', normalize: (v) => Number(v), equals: (a, b) => Math.abs((a as number) - (b as number)) < 0.01 });
    const plan = tolerant.plan({ base: { x: 1, name: 'Ada' }, records: { crm: { x: '1.001', name: 'Ada' }, erp: { x: 1.005, name: 'Ada' } } });
    expect(plan.empty).toBe(true);
  });

  it('reads fields named like Object.prototype members as own properties only', () => {
    const odd = defineSyncBoundary({ recordType: 'thing', systems: ['crm', 'erp'], fields: { constructor: 'crm' as const, toString: 'erp' as const } });
    const plan = odd.plan({ records: { crm: { constructor: 'a' }, erp: { constructor: 'a', toString: 't' } } });
    expect(plan.patches).toEqual({ crm: { toString: 't' }, erp: {} });
    expect(plan.nextBase).toEqual({ constructor: 'a', toString: 't' });
    const again = odd.plan({ base: plan.nextBase, records: { crm: { constructor: 'a', toString: 't' }, erp: { constructor: 'a', toString: 't' } } });
    expect(again.empty).toBe(true);
  });
});

describe('plan: owner rules', () => {
  const boundary = defineSyncBoundary({
    recordType: 'order',
    systems: ['crm', 'erp'],
    fields: {
      status: { owner: (_record, records) => (records.erp?.invoiced_at === undefined ? 'crm' : 'erp') },
      amount: { owner: (record) => (record.stage === 'closed' ? 'erp' : 'crm') },
      stage: 'crm',
    },
  });
  const orderBase = { status: 'open', amount: 10, stage: 'open' };

  it('reads the systems own records, including fields that are not synced', () => {
    const before = boundary.plan({ base: orderBase, records: { crm: { ...orderBase, status: 'cancelled' }, erp: { ...orderBase, status: 'shipped' } } });
    expect(before.decisions[0]).toMatchObject({ field: 'status', owner: 'crm', source: 'crm' });
    const after = boundary.plan({
      base: orderBase,
      records: { crm: { ...orderBase, status: 'cancelled' }, erp: { ...orderBase, status: 'shipped', invoiced_at: '2025-01-01' } },
    });
    expect(after.decisions[0]).toMatchObject({ field: 'status', owner: 'erp', source: 'erp' });
  });

  it('sees fixed-owner fields as they will be after the sync', () => {
    // The CRM closes the deal and the ERP changes the amount in the same round: stage is CRM-owned,
    // so the rule sees stage 'closed' and gives the amount to the ERP.
    const plan = boundary.plan({ base: orderBase, records: { crm: { ...orderBase, stage: 'closed' }, erp: { ...orderBase, amount: 12 } } });
    const amount = plan.decisions.find((decision) => decision.field === 'amount');
    expect(amount).toMatchObject({ owner: 'erp', situation: 'changed', action: 'propagate', source: 'erp' });
    expect(plan.patches).toEqual({ crm: { amount: 12 }, erp: { stage: 'closed' } });
    // Without the stage change the CRM owns the amount and the ERP's edit is rejected.
    const open = boundary.plan({ base: orderBase, records: { crm: orderBase, erp: { ...orderBase, amount: 12 } } });
    expect(open.decisions[0]).toMatchObject({ field: 'amount', owner: 'crm', situation: 'non-owner-change', action: 'revert' });
  });

  it('reports a rule that throws as a plan error naming the field', () => {
    const failing = oneField({
      owner: () => {
        throw new Error('boom');
      },
    });
    const error = planError(() => failing.plan({ base, records: { crm: { x: 'c', name: 'Ada' }, erp: { x: 'b', name: 'Ada' } } }));
    expect(error.message).toContain("owner rule of field 'x'");
    expect((error.cause as Error).message).toBe('boom');
  });
});

describe('plan: three or more systems', () => {
  const boundary = defineSyncBoundary({
    recordType: 'customer',
    systems: ['crm', 'erp', 'web'],
    fields: { phone: 'crm', tier: { owner: 'erp', conflict: 'last-writer-wins' } },
  });
  const threeBase = { phone: '1', tier: 'silver' };

  it('propagates one system change to all others', () => {
    const plan = boundary.plan({ base: threeBase, records: { crm: { ...threeBase, phone: '2' }, erp: threeBase, web: threeBase } });
    expect(plan.patches).toEqual({ crm: {}, erp: { phone: '2' }, web: { phone: '2' } });
  });

  it('reverts two non-owners that agree', () => {
    const plan = boundary.plan({ base: threeBase, records: { crm: threeBase, erp: { ...threeBase, phone: '9' }, web: { ...threeBase, phone: '9' } } });
    expect(plan.decisions[0]).toMatchObject({ action: 'revert', changedBy: ['erp', 'web'], patched: ['erp', 'web'] });
  });

  it('lets the owner win when two non-owners disagree', () => {
    const plan = boundary.plan({ base: threeBase, records: { crm: threeBase, erp: { ...threeBase, phone: '8' }, web: { ...threeBase, phone: '9' } } });
    expect(plan.patches).toEqual({ crm: {}, erp: { phone: '1' }, web: { phone: '1' } });
    expect(plan.decisions[0]).toMatchObject({ situation: 'conflict', policy: 'owner-wins', source: 'crm' });
  });

  it('compares the two latest writers for last-writer-wins', () => {
    const records = { crm: { ...threeBase, tier: 'gold' }, erp: threeBase, web: { ...threeBase, tier: 'bronze' } };
    const plan = boundary.plan({ base: threeBase, records, modifiedAt: { crm: 50_000, web: 10_000 } });
    expect(plan.patches).toEqual({ crm: {}, erp: { tier: 'gold' }, web: { tier: 'gold' } });
    const tie = boundary.plan({ base: threeBase, records, modifiedAt: { crm: 50_000, web: 50_000 } });
    expect(tie.decisions[0]).toMatchObject({ source: 'erp', patched: ['crm', 'web'] });
  });
});

describe('plan: audit records', () => {
  const secret = 'SECRET-4711@example.com';
  const records = { crm: { x: secret, name: 'Ada' }, erp: { x: 'erp-SECRET', name: 'Ada' } };

  it('has one value-free audit record per decision', () => {
    const boundary = oneField({ owner: 'crm', nonOwnerChange: 'queue' });
    const plan = boundary.plan({ base: { x: 'old-SECRET', name: 'Ada' }, records, recordId: 'c-9' });
    expect(plan.audit).toHaveLength(plan.decisions.length);
    expect(plan.audit[0]).toEqual({ ...plan.decisions[0], recordType: 'customer', recordId: 'c-9' });
    expect(plan.audit[0]).not.toHaveProperty('values');
    const logged = JSON.stringify([plan.audit, plan.decisions]);
    expect(logged).not.toContain('SECRET');
  });

  it('keeps values out of error messages', () => {
    const failing = oneField({
      owner: 'crm',
      normalize: (value) => {
        throw new Error(`cannot normalise ${String(value)}`);
      },
    });
    const error = planError(() => failing.plan({ base: { x: 'old-SECRET', name: 'Ada' }, records }));
    expect(error.message).not.toContain('SECRET');
    expect(JSON.stringify(error.toJSON())).not.toContain('SECRET');
    expect(error.message).toContain("planning field 'x' of 'customer' failed");
  });

  it('carries values only when the boundary asks for them', () => {
    const boundary = oneField({ owner: 'crm' }, { audit: { includeValues: true } });
    const plan = boundary.plan({ base: { x: 'b', name: 'Ada' }, records });
    expect(plan.audit[0]!.values).toEqual({ base: 'b', hasBase: true, before: { crm: secret, erp: 'erp-SECRET' }, after: secret });
  });
});

describe('plan: determinism and purity', () => {
  const boundary = defineSyncBoundary({
    recordType: 'customer',
    systems: ['crm', 'erp'],
    fields: { a: 'crm', b: { owner: 'erp', conflict: 'manual-review' }, c: { owner: 'manual' }, d: { owner: 'crm', nonOwnerChange: 'queue' } },
  });
  const input = {
    base: { a: 1, b: 2, c: 3, d: 4 },
    records: { crm: { a: 10, b: 20, c: 3, d: 4 }, erp: { a: 1, b: 21, c: 30, d: 40 } },
  };

  it('gives the same plan for the same input and does not touch the input', () => {
    const frozen = structuredClone(input);
    const first = boundary.plan(input);
    const second = boundary.plan(structuredClone(input));
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(input).toEqual(frozen);
  });

  it('is plain data that survives a JSON round trip', () => {
    const plan = boundary.plan(input);
    const json = JSON.parse(JSON.stringify(plan)) as SyncPlan<'crm' | 'erp'>;
    expect(json.decisions).toEqual(plan.decisions.map((decision) => JSON.parse(JSON.stringify(decision)) as unknown));
    expect(plan.decisions.map((decision) => decision.field)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('allows a merge function to plan another record of the same boundary', () => {
    const inner = { base: { x: 1, name: 'n' }, records: { crm: { x: 2, name: 'n' }, erp: { x: 1, name: 'n' } } };
    const reentrant: ReturnType<typeof oneField> = oneField({
      owner: 'crm',
      conflict: { merge: ({ values }) => `${String(values.crm)}|${String(reentrant.plan(inner).patches.erp.x)}` },
    });
    const plan = reentrant.plan({ base, records: { crm: { x: 'c', name: 'Ada' }, erp: { x: 'e', name: 'Ada' } } });
    expect(plan.nextBase.x).toBe('c|2');
  });
});

describe('plan: bad input', () => {
  const boundary = oneField({ owner: 'crm' });

  it.each([
    ['no input', undefined, 'plan needs an input object'],
    ['no records', { base }, 'records must be an object'],
    ['a missing system record', { base, records: { crm: base } }, 'records.erp is missing or not an object'],
    ['a record that is not an object', { base, records: { crm: base, erp: 'x' } }, 'records.erp is missing'],
    ['a base that is not an object', { base: 'x', records: { crm: base, erp: base } }, 'base must be the last synced snapshot'],
    ['a base that is an array', { base: [], records: { crm: base, erp: base } }, 'base must be the last synced snapshot'],
    ['a non-string record id', { base, records: { crm: base, erp: base }, recordId: 7 }, 'recordId must be a string'],
  ])('rejects %s with a plan error', (_label, input, message) => {
    const error = planError(() => boundary.plan(input as never));
    expect(error.message).toContain(message);
  });

  it('names the field whose values are cyclic', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const other: Record<string, unknown> = {};
    other.self = other;
    const error = planError(() => boundary.plan({ base: { x: cyclic, name: 'Ada' }, records: { crm: { x: other, name: 'Ada' }, erp: { x: other, name: 'Ada' } } }));
    expect(error.message).toContain("cannot compare field 'x' of 'customer'");
    expect(error.message).toContain('cyclic');
  });

  it.each([
    ['a toCanonical transform', { erp: { x: { toCanonical: () => { throw new Error('t'); }, toSystem: (v: unknown) => v } } }],
    ['a toSystem transform', { crm: { x: { toCanonical: (v: unknown) => v, toSystem: () => { throw new Error('t'); } } } }],
  ])('wraps %s that throws', (_label, mappings) => {
    const mapped = oneField({ owner: 'erp' }, { mappings });
    const error = planError(() => mapped.plan({ base, records: { crm: { x: 'c', name: 'Ada' }, erp: { x: 'e', name: 'Ada' } } }));
    expect(error.details).toMatchObject({ field: 'x' });
    expect((error.cause as Error).message).toBe('t');
  });

  it('wraps a merge function that throws', () => {
    const merging = oneField({ owner: 'crm', conflict: { merge: () => { throw new Error('m'); } } });
    const error = planError(() => merging.plan({ base, records: { crm: { x: 'c', name: 'Ada' }, erp: { x: 'e', name: 'Ada' } } }));
    expect(error.message).toContain('the merge function threw');
  });

  it('lets an IapError thrown by a callback through unchanged', () => {
    const own = new IapError(ErrorCode.VALIDATION, 'bad email');
    const failing = oneField({ owner: 'crm', normalize: () => { throw own; } });
    expect(() => failing.plan({ base, records: { crm: base, erp: base } })).toThrow(own);
  });

  it('reports a rule that answers an unknown system', () => {
    const odd = oneField({ owner: () => 'billing' as System });
    const error = planError(() => odd.plan({ base, records: { crm: { x: 'c', name: 'Ada' }, erp: base } }));
    expect(error.message).toContain("owner rule of field 'x'");
  });
});

describe('plan: patches applied', () => {
  it('converge both systems (worked example)', () => {
    const boundary = oneField({ owner: 'crm' });
    const records: Record<System, SyncRecord> = { crm: { x: 'c', name: 'Grace' }, erp: { x: 'e', name: 'Ada' } };
    const plan = boundary.plan({ base, records });
    const crm = { ...records.crm, ...plan.patches.crm };
    const erp = { ...records.erp, ...plan.patches.erp };
    expect(crm).toEqual(erp);
    expect(boundary.plan({ base: plan.nextBase, records: { crm, erp } }).empty).toBe(true);
  });
});
