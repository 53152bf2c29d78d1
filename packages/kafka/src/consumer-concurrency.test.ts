import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './__fixtures__/consumer-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.consumer.close();
  harness = undefined;
});

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('keyConcurrency', () => {
  it('runs different keys at once, one key in order, and commits only the contiguous completed offset', async () => {
    const gates = new Map<number, Gate>();
    const started: number[] = [];
    const finished: number[] = [];
    let active = 0;
    let maxActive = 0;
    harness = await startHarness({
      keyConcurrency: 4,
      handler: async (event) => {
        const n = (event.data as { n: number }).n;
        started.push(n);
        active++;
        maxActive = Math.max(maxActive, active);
        await gates.get(n)?.promise;
        active--;
        finished.push(n);
      },
    });
    // offsets 0..4: keys a, b, a, c, b
    const keys = ['a', 'b', 'a', 'c', 'b'];
    keys.forEach((key, n) => {
      gates.set(n, gate());
      harness!.publish('orders', { data: { n }, partitionKey: key });
    });
    const polled = harness.fake.poll();
    await harness.clock.advanceAsync(0);
    // a(0), b(1), c(3) run; a(2) waits for a(0); b(4) waits for b(1)
    expect(started.sort()).toEqual([0, 1, 3]);
    gates.get(3)!.open();
    gates.get(1)!.open();
    await harness.clock.advanceAsync(0);
    expect(finished).toEqual([3, 1]);
    expect(started).toContain(4); // b(4) after b(1)
    expect(started).not.toContain(2); // a(2) still behind a(0)
    gates.get(4)!.open();
    gates.get(0)!.open();
    await harness.clock.advanceAsync(0);
    gates.get(2)!.open();
    await polled;
    expect(finished.indexOf(0)).toBeLessThan(finished.indexOf(2));
    expect(finished.indexOf(1)).toBeLessThan(finished.indexOf(4));
    expect(maxActive).toBe(3);
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('5');
  });

  it('on close, commits only up to the first record still in flight', async () => {
    const slow = gate();
    harness = await startHarness({
      keyConcurrency: 3,
      handler: async (event) => {
        if ((event.data as { n: number }).n === 1) await slow.promise;
      },
    });
    ['a', 'b', 'c'].forEach((key, n) => harness!.publish('orders', { data: { n }, partitionKey: key }));
    const polled = harness.fake.poll();
    await harness.clock.advanceAsync(0);
    const closed = harness.consumer.close();
    await harness.clock.advanceAsync(0);
    slow.open();
    await closed;
    await polled;
    expect(harness.kafka.committedOffset('g1', 'orders')).toBe('3');
  });

  it('after a block pause, resumes at the first unfinished record and skips the ones already done', async () => {
    const calls: number[] = [];
    let failN1 = true;
    harness = await startHarness({
      keyConcurrency: 4,
      retry: { maxAttempts: 1 },
      onRetriesExhausted: { mode: 'block', backoff: { backoff: { kind: 'constant', delayMs: 1_000 } } },
      handler: (event) => {
        const n = (event.data as { n: number }).n;
        calls.push(n);
        if (n === 1 && failN1) {
          failN1 = false;
          throw new Error('transient');
        }
      },
    });
    ['a', 'b', 'c', 'd'].forEach((key, n) => harness!.publish('orders', { data: { n }, partitionKey: key }));
    await harness.pumpUntil(() => harness!.kafka.committedOffset('g1', 'orders') === '4');
    // 0, 2, 3 ran once; 1 ran twice; nothing ran a third time
    expect(calls.filter((n) => n === 1)).toHaveLength(2);
    expect(calls.filter((n) => n !== 1).sort()).toEqual([0, 2, 3]);
    expect(harness.seen.paused[0]).toMatchObject({ offset: '1', reason: 'blocked' });
  });
});
