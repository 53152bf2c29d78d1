import type { ManualClock } from '@iap/core';

/**
 * Advances a ManualClock in `stepMs` steps (letting promises run between timers) until `promise`
 * settles, then returns it. Fails after `maxSteps`, so a hanging saga fails the test instead of
 * timing it out.
 */
export async function driveClock<T>(clock: ManualClock, promise: Promise<T>, stepMs = 50, maxSteps = 20_000): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await clock.advanceAsync(0);
  for (let i = 0; !settled && i < maxSteps; i++) await clock.advanceAsync(stepMs);
  if (!settled) throw new Error(`the promise did not settle within ${maxSteps} clock steps of ${stepMs} ms`);
  return promise;
}
