/**
 * Chapter: a signed Stripe payment webhook arrives. The genuine one is verified and handled once; a
 * forged one (signed with the wrong secret) and a replay of the genuine one are rejected.
 */
import { createWebhookDeduplicator, createWebhookSigner, createWebhookVerifier, stripe } from '@iap/webhooks';
import { heading, say, type ChapterResult } from '../print.js';

/** A payment the webhook confirmed: the input of the order saga. */
export interface ConfirmedPayment {
  readonly orderId: string;
  readonly amountCents: number;
  readonly paymentIntent: string;
}

interface StripeEvent {
  readonly id: string;
  readonly type: string;
  readonly data: { readonly object: { readonly id: string; readonly amount: number; readonly metadata: { readonly orderId: string } } };
}

export async function runWebhookChapter(): Promise<ChapterResult & { payments: ConfirmedPayment[] }> {
  const started = performance.now();
  heading('Webhooks: verify a signed payment, reject a forgery and a replay');
  const secret = 'whsec_demo_signing_secret';
  const verifier = createWebhookVerifier({ provider: stripe(), secrets: [secret] });
  const dedup = createWebhookDeduplicator();
  const signer = createWebhookSigner({ provider: stripe(), secret });
  const forger = createWebhookSigner({ provider: stripe(), secret: 'whsec_guessed_by_an_attacker' });

  const payments: ConfirmedPayment[] = [];
  const counts = { verified: 0, forged: 0, replayed: 0 };
  const deliveries: Array<{ label: string; body: string; headers: Record<string, string> }> = [];
  for (const [orderId, amount] of [['ORD-1001', 14_990], ['ORD-1002', 8_900]] as const) {
    const body = JSON.stringify({ id: `evt_${orderId}`, type: 'payment_intent.succeeded', data: { object: { id: `pi_${orderId}`, amount, metadata: { orderId } } } });
    deliveries.push({ label: `payment for ${orderId}`, body, headers: signer.sign({ body }).headers });
  }
  const first = deliveries[0]!;
  const forgedBody = first.body.replace('14990', '1');
  deliveries.push({ label: 'forged payment (amount changed, wrong secret)', body: forgedBody, headers: forger.sign({ body: forgedBody }).headers });
  deliveries.push({ label: 'replay of the first payment', body: first.body, headers: first.headers });

  for (const delivery of deliveries) {
    const result = verifier.verify({ body: delivery.body, headers: delivery.headers });
    if (!result.ok) {
      counts.forged++;
      say(`✗ ${delivery.label}: rejected, ${result.reason} (HTTP ${result.status})`);
      continue;
    }
    const outcome = await dedup.run(result, () => {
      const event = result.payload() as StripeEvent;
      const intent = event.data.object;
      payments.push({ orderId: intent.metadata.orderId, amountCents: intent.amount, paymentIntent: intent.id });
      return event.type;
    });
    if (outcome.status === 'processed') {
      counts.verified++;
      say(`✓ ${delivery.label}: verified (${result.provider}, event ${result.id}, secret #${result.secretIndex}) → ${outcome.value}`);
    } else {
      counts.replayed++;
      say(`✗ ${delivery.label}: signature valid but delivery ${result.id} was already processed (${outcome.status}); ignored`);
    }
  }
  return { chapter: 'webhooks', counts, durationMs: performance.now() - started, payments };
}
