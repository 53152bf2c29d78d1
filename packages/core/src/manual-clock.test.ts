import { describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';
import { ManualClock } from './manual-clock.js';
import { sleep } from './sleep.js';

describe('ManualClock', () => {
  it('fires timers in due order, ties in scheduling order, and supports cancellation', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@200'), 200);
    clock.setTimeout(() => fired.push('a@100'), 100);
    clock.setTimeout(() => fired.push('c@200'), 200);
    const cancelled = clock.setTimeout(() => fired.push('never'), 150);
    clock.clearTimeout(cancelled);
    clock.advance(150);
    expect(fired).toEqual(['a@100']);
    expect(clock.now()).toBe(1150);
    clock.advance(50);
    expect(fired).toEqual(['a@100', 'b@200', 'c@200']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('sets now to each timer due time while firing it', () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 30);
    clock.setTimeout(() => clock.setTimeout(() => seen.push(clock.now()), 5), 10);
    clock.advance(100);
    expect(seen).toEqual([15, 30]);
    expect(clock.now()).toBe(100);
  });

  it('advanceAsync lets promise chains started by timers progress', async () => {
    const clock = new ManualClock(0);
    const steps: string[] = [];
    const run = (async () => {
      await sleep(100, { clock });
      steps.push('first');
      await sleep(100, { clock });
      steps.push('second');
    })();
    await clock.advanceAsync(200);
    await run;
    expect(steps).toEqual(['first', 'second']);
  });
});

describe('sleep', () => {
  it('rejects with ABORTED at once and clears its timer', async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const pending = sleep(1000, { clock, signal: controller.signal });
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(clock.pendingTimers).toBe(0);
    await expect(sleep(1, { clock, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('the system clock unrefs its timers', () => {
    const handle = systemClock.setTimeout(() => undefined, 10_000) as unknown as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    systemClock.clearTimeout(handle);
  });
});

describe('sleep on the system clock', () => {
  it('keeps the process alive while awaited (a ref\'d timer), and clears it on abort', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `import { sleep } from ${JSON.stringify(new URL('./sleep.ts', import.meta.url).pathname)}; await sleep(30); console.log('resumed');`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('resumed');
    expect(result.status).toBe(0);
    const controller = new AbortController();
    const pending = sleep(60_000, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
