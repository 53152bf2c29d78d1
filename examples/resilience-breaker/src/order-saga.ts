/**
 * Part 2: an order saga (reserve stock → charge card → book courier) on the in-memory saga store.
 * The first order completes; the second fails at the courier, and the completed steps are undone in
 * reverse order (refund, then release). Starting a saga id again returns the stored run.
 */
import { NonRetriableError, createInMemorySagaStore, createSaga, isSagaStepError } from '@iap/resilience';
import { check } from './check.js';

interface OrderInput {
  readonly orderId: string;
  readonly amountCents: number;
  readonly postcode: string;
}

export async function runOrderSaga(): Promise<void> {
  console.log('\n== saga with compensation (in-memory store)');
  const effects: string[] = [];
  const store = createInMemorySagaStore();
  const placeOrder = createSaga<OrderInput>('place-order', { store, retry: { maxAttempts: 2, backoff: { kind: 'constant', delayMs: 10 }, jitter: 'none' } })
    .step({
      name: 'reserve-stock',
      action: ({ input, idempotencyKey }) => {
        effects.push(`reserve ${input.orderId}`);
        return { reservationId: `res-${idempotencyKey}` };
      },
      compensate: ({ result }) => void effects.push(`release ${result.reservationId}`),
    })
    .step({
      name: 'charge-card',
      action: ({ input }) => {
        effects.push(`charge ${input.orderId}`);
        return { chargeId: `ch-${input.orderId}`, amountCents: input.amountCents };
      },
      compensate: ({ result }) => void effects.push(`refund ${result.chargeId} (${(result.amountCents / 100).toFixed(2)} EUR)`),
    })
    .step({
      name: 'book-courier',
      action: ({ input }) => {
        // A business refusal is not worth retrying: NonRetriableError stops at the first attempt.
        if (input.postcode === '00000') throw new NonRetriableError('the courier does not deliver to this postcode');
        effects.push(`book courier for ${input.orderId}`);
        return { trackingId: `TRK-${input.orderId}` };
      },
    });
  placeOrder.on('stepCompleted', (e) => console.log(`   ${e.sagaId}: ${e.step} done`));
  placeOrder.on('stepFailed', (e) => console.log(`   ${e.sagaId}: ${e.step} failed after ${e.attempts} attempt(s)`));
  placeOrder.on('stepCompensated', (e) => console.log(`   ${e.sagaId}: ${e.step} undone`));

  const ok = await placeOrder.run({ orderId: 'ORD-1', amountCents: 4_990, postcode: '10115' }, { sagaId: 'order-ORD-1' });
  console.log(`order-ORD-1: ${ok.status}, tracking ${ok.results['book-courier']?.trackingId ?? '-'}`);
  check(ok.status === 'completed', 'the first order completes');

  const bad = await placeOrder.run({ orderId: 'ORD-2', amountCents: 12_000, postcode: '00000' }, { sagaId: 'order-ORD-2' });
  console.log(`order-ORD-2: ${bad.status} at ${bad.failedStep ?? '-'}; undone: ${bad.compensatedSteps.join(' → ')}`);
  check(bad.status === 'compensated', 'the second order is compensated');
  check(bad.failedStep === 'book-courier' && isSagaStepError(bad.error), 'the failure names the step, as a SAGA_STEP_FAILED error');
  check(JSON.stringify(bad.compensatedSteps) === JSON.stringify(['charge-card', 'reserve-stock']), 'compensation runs in reverse order');

  const again = await placeOrder.run({ orderId: 'ORD-1', amountCents: 4_990, postcode: '10115' }, { sagaId: 'order-ORD-1' });
  check(again.status === 'completed' && effects.filter((e) => e === 'charge ORD-1').length === 1, 'a repeated start returns the stored run; nothing is charged twice');
  console.log(`order-ORD-1 started again: ${again.status} (stored run returned, nothing ran twice)`);
  console.log(`effects, in order: ${effects.join('; ')}`);
  await placeOrder.close();
}
