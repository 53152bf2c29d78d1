import { describe, expect, it } from 'vitest';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const failure = new Error('every 10th call fails');
let counter = 0;
const callee = (): Promise<number> => (++counter % 10 === 0 ? Promise.reject(failure) : Promise.resolve(42));

async function drive(breaker: CircuitBreaker, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) {
    try {
      await breaker.execute(callee);
    } catch {
      // the 10% failures are expected; the breaker never opens at this rate
    }
  }
}

// Needs node --expose-gc, which the unit project passes (vitest.config.ts execArgv).
describe.runIf(gc !== undefined)('retained heap', () => {
  it.each([
    ['consecutive failures', {}],
    ['count window', { window: { kind: 'count', size: 100 } }],
    ['time window', { window: { kind: 'time', durationMs: 10_000 } }],
  ] as const)('does not grow between 100k and 1e6 calls (%s)', async (_label, options) => {
    const breaker = createCircuitBreaker(options);
    await drive(breaker, 100_000);
    const warm = heapAfterGc();
    await drive(breaker, 900_000);
    const after = heapAfterGc();
    expect(breaker.stats()).toMatchObject({ state: 'closed', successes: 900_000, failures: 100_000 });
    // generous bound: per-call retention of even 8 bytes would add 7.2 MB
    expect(after - warm).toBeLessThan(5 * 1024 * 1024);
  }, 60_000);
});

it('the unit project exposes gc, so the heap test above runs', () => {
  expect(typeof gc).toBe('function');
});
