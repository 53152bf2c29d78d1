/**
 * Chapter: the core envelope and retry maths. An order event is created, encoded and decoded as
 * CloudEvents JSON; sending it fails twice against a flaky receiver, each retry waits the delay
 * core's retry policy computes (on a manual clock), and the third attempt succeeds. Every attempt
 * prints one value-free line.
 */
import { ManualClock, computeRetryDelay, createEnvelope, createRetryPolicy, decodeEnvelope, encodeEnvelope, isRetryableError, seededRandom } from '@iap/core';
import { heading, say, type ChapterResult } from '../print.js';

export async function runCoreChapter(): Promise<ChapterResult> {
  const started = performance.now();
  heading('Core: envelope and retry maths');
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
  const firstAttemptAt = clock.now();
  let attempts = 0;
  let waitedMs = 0;
  for (;;) {
    attempts++;
    if (attempts > failuresBeforeSuccess) {
      say(`attempt ${attempts}: receiver answered 202; delivered`);
      break;
    }
    const failure = new Error('receiver answered 503');
    const decision = computeRetryDelay(policy, { attempt: attempts, elapsedMs: clock.now() - firstAttemptAt, random });
    if (!isRetryableError(failure) || !decision.retry) throw new Error(`the demo receiver should recover within ${policy.maxAttempts} attempts`);
    say(`attempt ${attempts}: receiver answered 503 (retryable); waiting ${decision.delayMs.toFixed(0)} ms on the manual clock`);
    waitedMs += decision.delayMs;
    await clock.advanceAsync(decision.delayMs);
  }
  say(`delivered after ${attempts} attempts and ${waitedMs.toFixed(0)} ms of backoff`);
  return { chapter: 'core', counts: { attempts, bytes: bytes.byteLength }, durationMs: performance.now() - started };
}
