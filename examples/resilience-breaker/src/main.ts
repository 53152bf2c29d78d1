/**
 * @iap/resilience in two parts: a retry → circuit breaker → timeout pipeline around a flaky API,
 * printing every breaker state change, then an order saga whose failed last step is compensated in
 * reverse order on the in-memory saga store. Exits non-zero if anything behaves otherwise.
 * Run: `pnpm --filter @iap-example/resilience-breaker example`.
 */
import { runOrderSaga } from './order-saga.js';
import { runRatesPipeline } from './rates-pipeline.js';

await runRatesPipeline();
await runOrderSaga();
console.log('\nresilience-breaker: all checks passed');
