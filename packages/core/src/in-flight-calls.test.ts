import { describe, expect, it } from 'vitest';
import { InFlightCalls } from './in-flight-calls.js';

describe('InFlightCalls', () => {
  it('waits for every tracked call, fulfilled or rejected, and forgets settled ones', async () => {
    const calls = new InFlightCalls();
    let release!: () => void;
    const slow = calls.track(new Promise<void>((resolve) => (release = resolve)));
    const failing = calls.track(Promise.reject(new Error('publish failed')));
    await expect(failing).rejects.toThrow('publish failed');
    expect(calls.size).toBe(1);
    let drained = false;
    const drain = calls.settled().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    release();
    await slow;
    await drain;
    expect(drained).toBe(true);
    expect(calls.size).toBe(0);
  });
});
