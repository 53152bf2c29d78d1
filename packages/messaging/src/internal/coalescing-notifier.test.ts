import { flushMicrotasks } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createCoalescingNotifier } from './coalescing-notifier.js';

describe('createCoalescingNotifier', () => {
  it('collapses requests made while one is in flight into one follow-up, per channel', async () => {
    const sent: string[] = [];
    const pending: Array<() => void> = [];
    const notify = createCoalescingNotifier((channel) => {
      sent.push(channel);
      return new Promise<void>((resolve) => pending.push(resolve));
    });
    notify('a');
    notify('a');
    notify('a');
    notify('b');
    expect(sent).toEqual(['a', 'b']);
    pending.shift()!();
    await flushMicrotasks();
    expect(sent).toEqual(['a', 'b', 'a']);
    pending.shift()!();
    pending.shift()!();
    await flushMicrotasks();
    expect(sent).toEqual(['a', 'b', 'a']);
    notify('a');
    expect(sent).toEqual(['a', 'b', 'a', 'a']);
  });

  it('ignores send failures and keeps working', async () => {
    let calls = 0;
    const notify = createCoalescingNotifier(() => {
      calls++;
      return Promise.reject(new Error('connection lost'));
    });
    notify('a');
    await flushMicrotasks();
    notify('a');
    await flushMicrotasks();
    expect(calls).toBe(2);
  });
});
