import { ErrorCode, ManualClock } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { awaitedSleep } from './awaited-sleep.js';

describe('awaitedSleep', () => {
  it('resolves on the clock and rejects at once on abort, clearing the timer', async () => {
    const clock = new ManualClock();
    const done = awaitedSleep(100, clock, undefined);
    clock.advance(100);
    await done;
    const controller = new AbortController();
    const aborted = awaitedSleep(100, clock, controller.signal);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    expect(clock.pendingTimers).toBe(0);
    await expect(awaitedSleep(1, clock, controller.signal)).rejects.toMatchObject({ code: ErrorCode.ABORTED });
  });
});
