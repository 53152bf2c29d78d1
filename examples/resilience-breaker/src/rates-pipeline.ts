/**
 * Part 1: retry → circuit breaker → timeout around the flaky rates API. A 503 blip and a slow answer
 * are absorbed by the retry; when the API goes down the breaker opens and callers fail fast without
 * reaching it; after the open period one trial call finds it healthy and the breaker closes.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createCircuitBreaker, createRetry, createTimeout, isCircuitOpenError, isRetryExhaustedError, isTimeoutError, pipeline } from '@iap/resilience';
import { check } from './check.js';
import { createFlakyRatesApi, type ApiMode } from './flaky-rates-api.js';

export async function runRatesPipeline(): Promise<void> {
  console.log('\n== retry → circuit breaker → timeout around a flaky rates API');
  const api = createFlakyRatesApi();
  const breaker = createCircuitBreaker({ name: 'rates-api', consecutiveFailures: 3, openDurationMs: 250, halfOpenMaxCalls: 1 });
  // An open circuit is not worth retrying here: fail fast and let the caller come back later.
  const retry = createRetry({ maxAttempts: 3, backoff: { kind: 'constant', delayMs: 20 }, jitter: 'none', shouldRetry: (error) => !isCircuitOpenError(error) });
  const timeout = createTimeout({ timeoutMs: 100 });
  const rates = pipeline(retry, breaker, timeout); // outermost first: each attempt gets its own 100 ms deadline

  const transitions: string[] = [];
  breaker.on('stateChange', (e) => {
    transitions.push(`${e.from}→${e.to}`);
    console.log(`   breaker rates-api: ${e.from} → ${e.to} (${e.reason})`);
  });
  retry.on('retry', (e) => {
    const why = isTimeoutError(e.error) ? 'timed out' : e.error instanceof Error ? e.error.message : String(e.error);
    console.log(`   retry: attempt ${e.attempt} failed (${why}), again in ${e.delayMs} ms`);
  });
  timeout.on('timeout', (e) => console.log(`   timeout: no answer within ${e.timeoutMs} ms, the call's signal is aborted`));

  const call = async (label: string, mode: ApiMode): Promise<'ok' | 'exhausted' | 'open'> => {
    api.mode = mode;
    const before = api.calls;
    try {
      const rate = await rates.execute(({ signal }) => api.getRate(signal));
      console.log(`${label}: rate ${rate} after ${api.calls - before} call(s) to the API`);
      return 'ok';
    } catch (error) {
      if (isCircuitOpenError(error)) {
        console.log(`${label}: failed fast, circuit open (come back in ${error.retryAfterMs ?? '?'} ms); ${api.calls - before} call(s) reached the API`);
        return 'open';
      }
      if (isRetryExhaustedError(error)) {
        console.log(`${label}: gave up after ${error.attempts} attempts (${error.reason})`);
        return 'exhausted';
      }
      throw error;
    }
  };

  check((await call('call 1 (healthy)', 'healthy')) === 'ok', 'a healthy call succeeds');
  check((await call('call 2 (one 503)', 'one-503')) === 'ok', 'the retry absorbs a single 503');
  const slowCallsBefore = api.calls;
  check((await call('call 3 (one slow answer)', 'one-slow')) === 'ok', 'the timeout cuts a slow answer and the retry tries again');
  check(api.calls - slowCallsBefore === 2, 'the slow answer took one timed-out call and one retry');
  check(breaker.stats().state === 'closed', 'isolated failures do not open the breaker');

  check((await call('call 4 (API down)', 'down')) === 'exhausted', 'three failures in a row exhaust the retry');
  check(breaker.stats().state === 'open', 'three consecutive failures open the breaker');
  const callsWhileOpen = api.calls;
  check((await call('call 5 (API down)', 'down')) === 'open', 'an open breaker fails fast');
  check(api.calls === callsWhileOpen, 'no call reached the API while the circuit was open');

  const waitMs = (breaker.stats().openUntilMs ?? Date.now()) - Date.now();
  console.log(`the API recovers; waiting ${Math.max(0, waitMs)} ms for the open period to end`);
  await delay(Math.max(0, waitMs) + 5);
  check((await call('call 6 (API back)', 'healthy')) === 'ok', 'the trial call after the open period succeeds');

  const stats = breaker.stats();
  console.log(`breaker: state ${stats.state}, ${stats.successes} successes, ${stats.failures} failures, ${stats.rejected} rejected; the API saw ${api.calls} calls`);
  check(JSON.stringify(transitions) === JSON.stringify(['closed→open', 'open→half-open', 'half-open→closed']), `state changes were ${transitions.join(', ')}`);
  breaker.dispose();
}
