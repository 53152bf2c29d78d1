/**
 * @iap/core basics: create, encode and decode an envelope with a zod schema, see a validation error
 * with paths, compute retry delays, and deduplicate with the in-memory idempotency store.
 * Run: `pnpm --filter @iap-example/core-basics example`.
 */
import {
  createEnvelope,
  createInMemoryIdempotencyStore,
  createRetryPolicy,
  computeRetryDelay,
  decodeEnvelope,
  encodeEnvelope,
  isValidationError,
  seededRandom,
} from '@iap/core';
import { z } from 'zod';

const InvoiceIssued = z.object({ invoiceId: z.string(), total: z.string().regex(/^\d+\.\d{2}$/) });

const event = createEnvelope({ type: 'com.acme.invoice.issued', source: '/billing', partitionKey: 'CUST-7', data: { invoiceId: 'INV-1', total: '99.00' } });
const decoded = decodeEnvelope(encodeEnvelope(event), { dataSchema: InvoiceIssued });
console.log(`decoded ${decoded.type} for ${decoded.data.invoiceId} (total ${decoded.data.total})`);

const broken = encodeEnvelope(createEnvelope({ type: 'com.acme.invoice.issued', source: '/billing', data: { invoiceId: 42 } }));
try {
  decodeEnvelope(broken, { dataSchema: InvoiceIssued });
  throw new Error('expected a validation error');
} catch (error) {
  if (!isValidationError(error)) throw error;
  console.log(`rejected: ${error.issues.map((i) => i.path.join('.')).join(', ')}`);
}

const policy = createRetryPolicy({ maxAttempts: 4, backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 }, jitter: 'equal' });
const random = seededRandom(1);
for (let attempt = 1; attempt <= 4; attempt++) {
  const decision = computeRetryDelay(policy, { attempt, random });
  console.log(`after attempt ${attempt}: ${decision.retry ? `retry in ${decision.delayMs.toFixed(0)} ms` : `stop (${decision.reason})`}`);
}

const store = createInMemoryIdempotencyStore({ maxEntries: 1000 });
for (const delivery of ['evt-1', 'evt-1', 'evt-2']) {
  const claim = await store.claim(delivery, { leaseMs: 30_000 });
  if (claim.status === 'claimed') {
    await store.complete(delivery, claim.token, { ttlMs: 86_400_000 });
    console.log(`${delivery}: processed`);
  } else {
    console.log(`${delivery}: duplicate (${claim.status}), skipped`);
  }
}
