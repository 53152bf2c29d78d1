/**
 * Data schemas of the order events, by event type and schema version. The consumer validates every
 * record against the schema its `type` and `schemaVersion` name; a record without one is dead-lettered.
 */
import { z } from 'zod';

const Money = z.string().regex(/^\d+\.\d{2}$/, 'a decimal amount with two digits');

export const orderSchemas = {
  'com.acme.order.placed': {
    '1': z.object({ orderId: z.string(), total: Money }),
    '2': z.object({ orderId: z.string(), total: z.object({ amount: Money, currency: z.enum(['EUR', 'USD']) }) }),
  },
  'com.acme.order.cancelled': {
    '1': z.object({ orderId: z.string(), reason: z.string() }),
  },
};
