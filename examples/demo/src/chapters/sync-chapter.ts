/**
 * Chapter: the CRM change for customer 42 meets the ERP's copy of the same customer. A sync boundary
 * (CRM owns contact data, ERP owns credit data) turns them into a plan: patches per system and one
 * conflict, decided by field authority.
 */
import type { ChangeEvent } from '@iap/cdc';
import { defineSyncBoundary, emailAddress } from '@iap/sync';
import { heading, say, type ChapterResult } from '../print.js';

const customer = defineSyncBoundary({
  recordType: 'customer',
  systems: ['crm', 'erp'],
  fields: {
    email: { owner: 'crm', normalize: emailAddress },
    name: 'crm',
    phone: 'crm',
    creditLimit: { owner: 'erp', conflict: 'owner-wins' },
  },
  mappings: {
    crm: { creditLimit: 'credit_limit' },
    erp: { email: 'contact_email', name: 'company_contact', creditLimit: 'credit_limit_eur' },
  },
});

export function runSyncChapter(events: readonly ChangeEvent[]): ChapterResult {
  const started = performance.now();
  heading('Sync: CRM and ERP agree on who owns which field');
  const snapshot = events.find((e) => e.operation === 'read');
  const update = events.find((e) => e.operation === 'update');
  if (!snapshot?.after || !update?.after) throw new Error('the CDC chapter produced no snapshot and update for customer 42');
  const base = { email: snapshot.after.email, name: snapshot.after.name, phone: snapshot.after.phone, creditLimit: snapshot.after.credit_limit };
  // Meanwhile, in the ERP, finance raised the credit limit to 900.00 and nobody touched the contact.
  const erp = { contact_email: 'ada@example.com', company_contact: 'Ada', phone: '+44 20 7946 0000', credit_limit_eur: '900.00' };
  say(`base (last synced): ${Object.keys(base).join(', ')}; CRM changed name, phone and credit_limit; ERP changed credit_limit_eur`);

  const plan = customer.plan({ base, records: { crm: update.after, erp }, recordId: 'customer-42' });
  for (const decision of plan.decisions) say(`${decision.field}: ${decision.action} — ${decision.reason}`);
  for (const conflict of plan.conflicts) say(`conflict on ${conflict.field}: resolved for ${conflict.winner ?? 'nobody'} by field authority`);
  say(`patches: crm ${JSON.stringify(plan.patches.crm)}, erp ${JSON.stringify(plan.patches.erp)}`);
  const audit = plan.audit[0];
  if (audit) say(`audit record (no values): ${JSON.stringify(audit)}`);
  return {
    chapter: 'sync',
    counts: { decisions: plan.decisions.length, conflicts: plan.conflicts.length, manualReview: plan.manualReview.length },
    durationMs: performance.now() - started,
  };
}
