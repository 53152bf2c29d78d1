/**
 * @iap/sync: the CRM owns contact data, the ERP owns credit data, notes need a person. Plans a sync,
 * applies the patches to both systems, and shows that planning again finds nothing to do.
 * Run: `pnpm --filter @iap-example/sync-crm-erp example`.
 */
import { defineSyncBoundary, emailAddress, type SyncRecord } from '@iap/sync';

const customer = defineSyncBoundary({
  recordType: 'customer',
  systems: ['crm', 'erp'],
  fields: {
    email: { owner: 'crm', normalize: emailAddress },
    name: 'crm',
    creditLimit: { owner: 'erp' },
    notes: { owner: 'manual', conflict: 'manual-review' },
  },
  excluded: ['password_hash'],
  mappings: { erp: { email: 'contact_email' } },
});

const base = { email: 'ada@example.com', name: 'Ada', creditLimit: 500, notes: '' };
const systems: Record<'crm' | 'erp', SyncRecord> = {
  crm: { email: 'ada@example.com', name: 'Ada Lovelace', creditLimit: 500, notes: 'VIP', password_hash: 'x' },
  erp: { contact_email: 'ada@example.com', name: 'Ada', creditLimit: 750, notes: 'key account' },
};

const plan = customer.plan({ base, records: systems, recordId: 'CUST-42' });
for (const decision of plan.decisions) console.log(`${decision.field}: ${decision.action} — ${decision.reason}`);
console.log('patches:', JSON.stringify(plan.patches));
console.log('manual review:', plan.manualReview.map((r) => r.field).join(', ') || 'none');

// Apply the patches with your own clients; here, to the in-memory records.
for (const system of ['crm', 'erp'] as const) Object.assign(systems[system], plan.patches[system]);
const again = customer.plan({ base: plan.nextBase, records: systems, recordId: 'CUST-42' });
const writes = Object.values(again.patches).reduce((n, patch) => n + Object.keys(patch).length, 0);
console.log(`re-plan after applying: ${writes} writes, ${again.manualReview.length} left for manual review`);
if (writes !== 0) throw new Error('a re-plan after applying should write nothing');
