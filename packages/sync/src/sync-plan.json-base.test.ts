import { describe, expect, it } from 'vitest';
import { defineSyncBoundary } from './sync-boundary.js';
import { SYNCED_EMPTY_KEY } from './synced-empty-key.js';
import type { SyncRecord } from './sync-boundary-definition.js';
import { isSyncPlanError } from './sync-errors.js';

const boundary = defineSyncBoundary({
  recordType: 'customer',
  systems: ['crm', 'erp'],
  fields: {
    name: 'crm',
    phone: { owner: 'crm', nonOwnerChange: 'accept' },
    notes: { owner: 'crm', conflict: 'manual-review' },
  },
});

/** What a snapshot store that keeps JSON (a jsonb column, a document store) gives back. */
const viaJson = (base: SyncRecord): SyncRecord => JSON.parse(JSON.stringify(base)) as SyncRecord;

/** A first round in which both systems cleared `phone` and `notes`: both are synced as empty. */
function syncedEmptyBase(): SyncRecord {
  const plan = boundary.plan({
    base: { name: 'Ada', phone: '+44 1', notes: 'old' },
    records: { crm: { name: 'Ada' }, erp: { name: 'Ada' } },
  });
  expect(plan.nextBase[SYNCED_EMPTY_KEY]).toEqual(['phone', 'notes']);
  return viaJson(plan.nextBase);
}

describe('a base stored as JSON keeps fields synced as empty', () => {
  it('a non-owner change accepted by policy is propagated, not wiped as a first sync', () => {
    const plan = boundary.plan({ base: syncedEmptyBase(), records: { crm: { name: 'Ada' }, erp: { name: 'Ada', phone: '+44 2' } } });
    expect(plan.decisions.map((d) => [d.field, d.situation, d.action])).toEqual([['phone', 'non-owner-change', 'propagate']]);
    expect(plan.patches).toEqual({ crm: { phone: '+44 2' }, erp: {} });
  });

  it('a conflict under manual-review is queued, not settled by the owner', () => {
    const plan = boundary.plan({ base: syncedEmptyBase(), records: { crm: { name: 'Ada', notes: 'a' }, erp: { name: 'Ada', notes: 'b' } } });
    expect(plan.manualReview.map((review) => [review.field, review.situation, review.hasBase])).toEqual([['notes', 'conflict', true]]);
    expect(plan.patches).toEqual({ crm: {}, erp: {} });
    // still in review next time, and still known as synced empty after another JSON round trip
    expect(viaJson(plan.nextBase)[SYNCED_EMPTY_KEY]).toEqual(['phone', 'notes']);
  });

  it('an unchanged record gives an empty plan with the JSON base as it is', () => {
    const base = syncedEmptyBase();
    const plan = boundary.plan({ base, records: { crm: { name: 'Ada' }, erp: { name: 'Ada' } } });
    expect(plan.empty).toBe(true);
    expect(plan.nextBase).toBe(base);
  });

  it('a field that gets a value leaves the list; the list goes when empty', () => {
    const plan = boundary.plan({ base: syncedEmptyBase(), records: { crm: { name: 'Ada', phone: '+44 3', notes: 'n' }, erp: { name: 'Ada' } } });
    expect(plan.nextBase).toEqual({ name: 'Ada', phone: '+44 3', notes: 'n' });
    expect(Object.hasOwn(plan.nextBase, SYNCED_EMPTY_KEY)).toBe(false);
  });

  it('a field missing from the base and not listed is still planned as a first sync', () => {
    const plan = boundary.plan({ base: { name: 'Ada' }, records: { crm: { name: 'Ada' }, erp: { name: 'Ada', phone: '+44 2' } } });
    expect(plan.decisions.map((d) => [d.field, d.situation])).toEqual([['phone', 'first-sync']]);
  });

  it('rejects a malformed list and a field using the reserved name', () => {
    const plan = () => boundary.plan({ base: { name: 'Ada', [SYNCED_EMPTY_KEY]: 'phone' }, records: { crm: { name: 'Ada' }, erp: { name: 'Ada' } } });
    expect(plan).toThrow(expect.objectContaining({ code: 'SYNC_PLAN' }) as Error);
    try {
      plan();
    } catch (error) {
      expect(isSyncPlanError(error)).toBe(true);
    }
    expect(() => defineSyncBoundary({ recordType: 'x', systems: ['a', 'b'], fields: { [SYNCED_EMPTY_KEY]: 'a' } })).toThrow(/cannot name a field/);
  });
});
