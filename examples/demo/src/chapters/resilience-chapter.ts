/**
 * Chapter: billing pushes invoices to a flaky ERP API. Retry absorbs blips; when the ERP is down the
 * circuit breaker opens and callers fail fast with a "come back in" hint; after the open period one
 * trial call finds the ERP healthy again and the breaker closes.
 */
import { sleep } from '@iap/core';
import { createCircuitBreaker, createRetry, isCircuitOpenError, isRetryExhaustedError, pipeline } from '@iap/resilience';
import { heading, say, type ChapterResult } from '../print.js';

export async function runResilienceChapter(invoices: readonly string[]): Promise<ChapterResult> {
  const started = performance.now();
  heading('Resilience: retry + circuit breaker around a flaky ERP');
  let erpHealthy = false;
  let erpCalls = 0;
  const pushInvoice = (orderId: string): Promise<string> => {
    erpCalls++;
    return erpHealthy ? Promise.resolve(`ERP-INV-${orderId}`) : Promise.reject(new Error('ERP answered HTTP 503'));
  };

  const breaker = createCircuitBreaker({ name: 'erp-api', consecutiveFailures: 3, openDurationMs: 300, halfOpenMaxCalls: 1 });
  const retry = createRetry({ maxAttempts: 3, backoff: { kind: 'constant', delayMs: 20 }, jitter: 'none', shouldRetry: (error) => !isCircuitOpenError(error) });
  const erp = pipeline(retry, breaker);
  const counts = { erpCalls: 0, failedFast: 0, opened: 0, closed: 0, pushed: 0 };
  breaker.on('stateChange', (e) => {
    if (e.to === 'open') counts.opened++;
    if (e.to === 'closed') counts.closed++;
    say(`  breaker erp-api: ${e.from} → ${e.to} (${e.reason})`);
  });

  const orderIds = invoices.length > 0 ? invoices : ['ORD-1001'];
  const attempt = async (orderId: string, label: string) => {
    try {
      const id = await erp.execute(() => pushInvoice(orderId));
      counts.pushed++;
      say(`${label}: pushed invoice for ${orderId} → ${id}`);
    } catch (error) {
      if (isCircuitOpenError(error)) {
        counts.failedFast++;
        say(`${label}: failed fast, circuit open (retry after ${error.retryAfterMs ?? '?'} ms); no call reached the ERP`);
        return error.retryAfterMs ?? 0;
      }
      if (isRetryExhaustedError(error)) say(`${label}: ERP still failing after ${error.attempts} attempts`);
      else throw error;
    }
    return 0;
  };

  await attempt(orderIds[0]!, 'push #1 (ERP down)');
  const waitMs = await attempt(orderIds[0]!, 'push #2 (ERP down)');
  erpHealthy = true;
  say(`ERP recovers; waiting ${waitMs} ms for the open period to end`);
  await sleep(waitMs + 5);
  await attempt(orderIds[0]!, 'push #3 (ERP back)');
  counts.erpCalls = erpCalls;
  const stats = breaker.stats();
  say(`breaker state ${stats.state}; ERP received ${erpCalls} calls in all`);
  breaker.dispose();
  return { chapter: 'resilience', counts, durationMs: performance.now() - started };
}
