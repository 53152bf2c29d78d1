import { ErrorCode, IapError } from '@iap/core';
import { describe, expect, it } from 'vitest';
import type { Outcome } from './relay-batch.js';
import { RetryDelayMemory } from './retry-delay-memory.js';

const outcome = (id: string, kind: 'published' | 'retried' | 'dead' | 'released'): Outcome => {
  const claimed = { ref: { id, messageId: `m-${id}`, destination: 'd', partitionKey: undefined, attempt: 1 }, unfinishedClaims: 0, createdAtMs: 0 };
  const error = new IapError(ErrorCode.PUBLISH_FAILED, 'x');
  if (kind === 'published') return { claimed };
  if (kind === 'released') return { claimed, release: true };
  return { claimed, failure: { error, dead: kind === 'dead', delayMs: 5, reason: 'x' } };
};

describe('RetryDelayMemory', () => {
  it('keeps the last delay per row, at most capacity rows, the oldest going first', () => {
    const memory = new RetryDelayMemory(2);
    memory.remember('1', 100);
    memory.remember('2', 200);
    memory.remember('1', 150);
    memory.remember('3', 300);
    expect([memory.previousDelayMs('1'), memory.previousDelayMs('2'), memory.previousDelayMs('3')]).toEqual([150, undefined, 300]);
  });

  it('forgets published and dead-lettered rows, keeps retried and released ones', () => {
    const memory = new RetryDelayMemory(10);
    for (const id of ['1', '2', '3', '4']) memory.remember(id, 10);
    memory.forgetFinished([outcome('1', 'published'), outcome('2', 'dead'), outcome('3', 'retried'), outcome('4', 'released')]);
    expect(['1', '2', '3', '4'].map((id) => memory.previousDelayMs(id))).toEqual([undefined, undefined, 10, 10]);
  });

  it('remembers nothing with capacity 0', () => {
    const memory = new RetryDelayMemory(0);
    memory.remember('1', 100);
    expect(memory.enabled).toBe(false);
    expect(memory.previousDelayMs('1')).toBeUndefined();
  });
});
