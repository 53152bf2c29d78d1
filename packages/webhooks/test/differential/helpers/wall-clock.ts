import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Pins `Date` (and only `Date`) at `nowMs` for every test of the calling file: several SDKs read the
 * wall clock with no way to pass one, and differential tests must not depend on the time they run.
 */
export function pinWallClock(nowMs: number): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nowMs);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
