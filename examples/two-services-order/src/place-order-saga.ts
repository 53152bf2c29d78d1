/**
 * The order saga: reserve stock, then charge the card. A declined card fails the saga and the
 * reservation is released (compensation). Stock and payments are stand-ins that print what a real
 * service call would do; each call gets the step's idempotency key.
 */
import { NonRetriableError, createSaga, type SagaStore } from '@iap/resilience';

export interface OrderRequest {
  readonly orderId: string;
  readonly amountCents: number;
  readonly card: string;
}

export function createPlaceOrderSaga(store: SagaStore) {
  return createSaga<OrderRequest>('place-order', { store })
    .step({
      name: 'reserve-stock',
      action: ({ input, idempotencyKey }) => {
        console.log(`  saga ${input.orderId}: stock reserved (key ${idempotencyKey})`);
        return { reservationId: `res-${input.orderId}` };
      },
      compensate: ({ result }) => console.log(`  saga: reservation ${result.reservationId} released`),
    })
    .step({
      name: 'charge-card',
      action: ({ input, idempotencyKey }) => {
        if (input.card === 'declined') throw new NonRetriableError(`card declined for ${input.orderId}`);
        console.log(`  saga ${input.orderId}: card charged ${(input.amountCents / 100).toFixed(2)} EUR (key ${idempotencyKey})`);
        return { chargeId: `ch-${input.orderId}` };
      },
    });
}
