import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock.js';
import { sleep } from './sleep.js';

const DAY = 24 * 60 * 60 * 1000;

describe('long delays on systemClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([2 ** 31, 2 ** 31 + 5_000, 40 * DAY, 100 * DAY])('sleep(%d) resolves only once the whole delay has passed', async (ms) => {
    let done = false;
    const sleeping = sleep(ms).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(ms - 1_001);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    await sleeping;
  });

  it('a long timer can be cleared at any link of its chain', async () => {
    const fired = vi.fn();
    const handle = systemClock.setTimeout(fired, 60 * DAY);
    await vi.advanceTimersByTimeAsync(30 * DAY);
    systemClock.clearTimeout(handle);
    await vi.advanceTimersByTimeAsync(60 * DAY);
    expect(fired).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborting a long sleep clears its timers', async () => {
    const controller = new AbortController();
    const sleeping = sleep(50 * DAY, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(30 * DAY);
    controller.abort();
    await expect(sleeping).rejects.toMatchObject({ code: 'ABORTED' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('Infinity never fires; NaN and negative delays fire at once', async () => {
    const never = vi.fn();
    const now = vi.fn();
    const handle = systemClock.setTimeout(never, Number.POSITIVE_INFINITY);
    systemClock.setTimeout(now, Number.NaN);
    systemClock.setTimeout(now, -5);
    await vi.advanceTimersByTimeAsync(0);
    expect(now).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000 * DAY);
    expect(never).not.toHaveBeenCalled();
    systemClock.clearTimeout(handle);
  });
});
