/**
 * Chapter: each confirmed payment starts an order saga (reserve stock → charge → create shipment).
 * The first completes; the second fails at shipping and is compensated in reverse order. Either way
 * the order row and its event are written in ONE transaction through the outbox.
 */
import { createEnvelope } from '@iap/core';
import { createOutbox } from '@iap/messaging';
import { createSaga } from '@iap/resilience';
import type { DemoEnvironment } from '../environment.js';
import { heading, say, type ChapterResult } from '../print.js';
import type { ConfirmedPayment } from './webhook-chapter.js';

class UndeliverableAddress extends Error {}

export async function runSagaChapter(env: DemoEnvironment, payments: readonly ConfirmedPayment[]): Promise<ChapterResult> {
  const started = performance.now();
  heading('Saga: place orders; undo what was done when shipping fails');
  const outbox = createOutbox({ schema: env.schema });
  const log = (line: string) => say(`  · ${line}`);

  const placeOrder = createSaga<ConfirmedPayment>('place-order', { store: env.sagaStore })
    .step({
      name: 'reserve-stock',
      action: ({ input, idempotencyKey }) => {
        log(`reserve stock for ${input.orderId} (key ${idempotencyKey})`);
        return { reservationId: `res-${input.orderId}` };
      },
      compensate: ({ result }) => log(`release reservation ${result.reservationId}`),
    })
    .step({
      name: 'capture-payment',
      action: ({ input }) => {
        log(`capture ${(input.amountCents / 100).toFixed(2)} EUR on ${input.paymentIntent}`);
        return { captureId: `cap-${input.orderId}` };
      },
      compensate: ({ result }) => log(`refund capture ${result.captureId}`),
    })
    .step({
      name: 'create-shipment',
      shouldRetry: (error) => !(error instanceof UndeliverableAddress),
      action: ({ input }) => {
        if (input.orderId === 'ORD-1002') throw new UndeliverableAddress('the carrier rejected the delivery address');
        log(`create shipment for ${input.orderId}`);
        return { trackingId: `TRK-${input.orderId}` };
      },
    });

  const counts = { completed: 0, compensated: 0, outboxEvents: 0 };
  for (const payment of payments) {
    const result = await placeOrder.run(payment, { sagaId: `order-${payment.orderId}` });
    const confirmed = result.status === 'completed';
    say(
      confirmed
        ? `${payment.orderId}: ${result.status} (steps: ${result.completedSteps.join(' → ')})`
        : `${payment.orderId}: ${result.status} after "${result.failedStep}" failed; undone: ${result.compensatedSteps.join(', ')}`,
    );
    if (confirmed) counts.completed++;
    else counts.compensated++;
    await env.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${env.schema}.orders (id, status, amount_cents) VALUES ($1, $2, $3)`, [payment.orderId, confirmed ? 'confirmed' : 'cancelled', payment.amountCents]);
      await outbox.enqueue(tx, {
        destination: env.ordersTopic,
        envelope: createEnvelope({
          type: confirmed ? 'com.acme.order.confirmed' : 'com.acme.order.cancelled',
          source: '/orders-service',
          subject: payment.orderId,
          partitionKey: payment.orderId,
          data: { orderId: payment.orderId, amountCents: payment.amountCents },
        }),
      });
    });
    counts.outboxEvents++;
    say(`${payment.orderId}: order row and its event committed together (outbox)`);
  }
  const again = await placeOrder.run(payments[0]!, { sagaId: `order-${payments[0]!.orderId}` });
  say(`starting order-${payments[0]!.orderId} again returns the same run (${again.status}); nothing ran twice`);
  await placeOrder.close();
  return { chapter: 'saga + outbox', counts, durationMs: performance.now() - started };
}
