/**
 * Chapter: the core envelope and delivery lifecycle. An order event is created, encoded and decoded
 * as CloudEvents JSON; its delivery fails twice against a flaky receiver, is retried with backoff on a
 * manual clock, and succeeds; every transition prints one value-free audit line.
 */
import {
  ErrorCode,
  IapError,
  ManualClock,
  createDelivery,
  createEnvelope,
  createRetryPolicy,
  decodeEnvelope,
  encodeEnvelope,
  formatLogfmt,
  recordDeliveryFailure,
  seededRandom,
  toDeliveryAuditRecord,
  transitionDelivery,
  type Delivery,
} from '@iap/core';
import { heading, say, type ChapterResult } from '../print.js';

export async function runCoreChapter(): Promise<ChapterResult> {
  const started = performance.now();
  heading('Core: envelope and delivery lifecycle');
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 9, 0, 0));
  const envelope = createEnvelope(
    { type: 'com.acme.order.placed', source: '/orders-service', subject: 'ORD-1001', partitionKey: 'CUST-7', data: { orderId: 'ORD-1001', amount: '149.90', currency: 'EUR' } },
    { clock },
  );
  const bytes = encodeEnvelope(envelope);
  const decoded = decodeEnvelope(bytes);
  say(`created ${envelope.type} id=${envelope.id} (UUIDv7), ${bytes.byteLength} bytes of CloudEvents JSON`);
  say(`decoded and validated: same envelope back = ${JSON.stringify(decoded) === JSON.stringify(envelope)}`);

  const policy = createRetryPolicy({ maxAttempts: 5, backoff: { kind: 'exponential', initialDelayMs: 200, multiplier: 2 }, jitter: 'equal' });
  const random = seededRandom(7);
  const failuresBeforeSuccess = 2;
  let delivery: Delivery = createDelivery(envelope.id, clock.now());
  const audit = (d: Delivery) => say(`audit: ${formatLogfmt({ ...toDeliveryAuditRecord(d) })}`);
  let attempts = 0;
  for (;;) {
    delivery = transitionDelivery(delivery, 'dispatched', clock.now());
    audit(delivery);
    attempts++;
    if (attempts <= failuresBeforeSuccess) {
      delivery = recordDeliveryFailure(delivery, new IapError(ErrorCode.BROKER, 'receiver answered 503', { retryable: true }), clock.now(), { policy, random });
      audit(delivery);
      const wait = (delivery.nextAttemptAt ?? clock.now()) - clock.now();
      say(`receiver failed (attempt ${attempts}); waiting ${wait.toFixed(0)} ms on the manual clock`);
      await clock.advanceAsync(wait);
      continue;
    }
    delivery = transitionDelivery(delivery, 'acknowledged', clock.now());
    audit(delivery);
    delivery = transitionDelivery(delivery, 'processed', clock.now());
    audit(delivery);
    break;
  }
  say(`delivered after ${delivery.attempts} attempts; final status ${delivery.status}`);
  return { chapter: 'core', counts: { attempts: delivery.attempts, transitions: delivery.history.length, bytes: bytes.byteLength }, durationMs: performance.now() - started };
}
