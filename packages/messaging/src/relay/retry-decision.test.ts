import { ErrorCode, IapError, ManualClock, createEnvelope, toCloudEvent, type PublishMessage, type PublishResult, type Publisher, type RetryPolicyOptions } from '@iap/core';
import { describe, expect, it } from 'vitest';
import type { MessagingDatabase, SqlQueryResult } from '../executor.js';
import type { Claimed } from '../internal/claimed-row.js';
import { outboxInternals } from '../internal/outbox-internals.js';
import { createOutbox } from '../outbox.js';
import { resolveRelayOptions } from '../relay-options.js';
import { createRelay } from './create-relay.js';
import { createRelayContext } from './relay-context.js';
import { decideFailure } from './retry-decision.js';

const failing: Publisher = {
  publish: (messages: readonly PublishMessage[]): Promise<PublishResult[]> =>
    Promise.resolve(messages.map((m): PublishResult => ({ id: m.id, ok: false, error: new IapError(ErrorCode.PUBLISH_FAILED, 'broker down', { retryable: true }), retryable: true }))),
  close: () => Promise.resolve(),
};

/** One outbox row (enqueued at `createdAtMs`) that every claim returns again, one attempt later; the failure statement's parameters are kept. */
function scriptedDatabase(createdAtMs: number): { database: MessagingDatabase; failures: unknown[][]; outbox: ReturnType<typeof createOutbox> } {
  const outbox = createOutbox();
  const sql = outboxInternals(outbox)!.sql;
  const envelope = toCloudEvent(createEnvelope({ type: 'order.placed', source: '/shop', data: { n: 1 }, partitionKey: 'k' }));
  const { data: _data, ...attributes } = envelope;
  const failures: unknown[][] = [];
  let attempt = 0;
  const query = (text: string, params: unknown[] = []): Promise<SqlQueryResult> => {
    if (text === sql.claimBatches) {
      attempt++;
      const row = { acked: null, id: '1', message_id: 'm-1', destination: 'orders', partition_key: 'k', headers: null, envelope: attributes, data_json: '{"n":1}', attempts: attempt, unfinished_claims: 0, created_at_ms: createdAtMs, lease_token: String(attempt) };
      return Promise.resolve({ rows: [row] });
    }
    if (text === sql.fail) {
      failures.push(params);
      return Promise.resolve({ rows: [{ n: (params[0] as unknown[]).length }] });
    }
    return Promise.resolve({ rows: [{ n: 0 }] });
  };
  return { database: { query, transaction: () => Promise.reject(new Error('not used')), close: () => Promise.resolve() }, failures, outbox };
}

/** Runs `rounds` rounds of a relay whose publisher always fails; returns the failure statements' (delays, dead flags, reasons). */
async function failedRounds(retry: RetryPolicyOptions, nowMs: number, rounds: number, random = (): number => 0.5): Promise<Array<{ delayMs: number; dead: boolean; reason: string }>> {
  const { database, failures, outbox } = scriptedDatabase(0);
  const relay = createRelay({ database, outbox, publisher: failing, clock: new ManualClock(nowMs), random, retry, listen: false, metricsIntervalMs: 0 });
  for (let i = 0; i < rounds; i++) await relay.runOnce();
  await relay.stop();
  return failures.map((params) => ({ delayMs: (params[1] as number[])[0]!, dead: (params[2] as boolean[])[0]!, reason: (params[3] as string[])[0]! }));
}

describe('relay retry decisions', () => {
  it('dead-letters a message once its next retry would start after maxElapsedMs since it was enqueued', async () => {
    // enqueued at 0; the first attempt fails at 59.5 s; the next one would start at 60.5 s
    const [late] = await failedRounds({ maxElapsedMs: 60_000, jitter: 'none' }, 59_500, 1);
    expect(late).toMatchObject({ dead: true, reason: expect.stringContaining('max_elapsed') });
    const [early] = await failedRounds({ maxElapsedMs: 60_000, jitter: 'none' }, 1_000, 1);
    expect(early).toMatchObject({ dead: false, delayMs: 1_000 });
  });

  it('grows decorrelated delays from the delay it scheduled last', async () => {
    // uniform in [1000, previous * 3]; without the previous delay every draw stays under 3000
    const rounds = await failedRounds({ jitter: 'decorrelated' }, 1_000, 3, () => 0.99);
    expect(rounds.map((r) => r.dead)).toEqual([false, false, false]);
    const [first, second, third] = rounds.map((r) => r.delayMs);
    expect(first).toBeCloseTo(1_000 + 0.99 * 2_000);
    expect(second).toBeCloseTo(1_000 + 0.99 * (first! * 3 - 1_000));
    expect(third).toBeCloseTo(1_000 + 0.99 * (second! * 3 - 1_000));
  });

  it('passes the time since enqueue to the policy, counted from the row\'s created_at', () => {
    const clock = new ManualClock(10_000);
    const { database, outbox } = scriptedDatabase(0);
    const ctx = createRelayContext(resolveRelayOptions({ database, outbox, publisher: failing, clock, retry: { maxElapsedMs: 30_000, jitter: 'none', backoff: { kind: 'constant', delayMs: 5_000 } } }));
    const claimed: Claimed = { ref: { id: '1', messageId: 'm-1', destination: 'orders', partitionKey: 'k', attempt: 1 }, unfinishedClaims: 0, createdAtMs: 4_000 };
    const error = new IapError(ErrorCode.PUBLISH_FAILED, 'broker down', { retryable: true });
    // 6 s elapsed + 5 s delay fits in 30 s
    expect(decideFailure(ctx, claimed, error, true).failure).toMatchObject({ dead: false, delayMs: 5_000 });
    clock.advance(20_000);
    // 26 s elapsed + 5 s delay does not
    expect(decideFailure(ctx, claimed, error, true).failure).toMatchObject({ dead: true, reason: expect.stringContaining('max_elapsed') });
    // a clock behind created_at counts as nothing elapsed, never as negative time
    expect(decideFailure(ctx, { ...claimed, createdAtMs: 1_000_000 }, error, true).failure).toMatchObject({ dead: false });
  });
});
