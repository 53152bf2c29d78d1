/**
 * The order events billing accepts, by type and schema version (billing's own copy of the contract:
 * the two services share no code). Records of any other type or version go to the dead-letter topic.
 */
import { z } from 'zod';

export const orderEventSchemas = {
  'com.acme.order.confirmed': {
    '1': z.object({ orderId: z.string(), amountCents: z.number().int().positive() }),
  },
  'com.acme.order.cancelled': {
    '1': z.object({ orderId: z.string(), reason: z.string() }),
  },
};
