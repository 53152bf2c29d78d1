import { describe, expect, it } from 'vitest';
import { formatLogfmt, toDeliveryAuditRecord } from './audit-record.js';
import { DELIVERY_TRANSITIONS, DeliveryStatus, assertTransition, canTransition, isTerminal } from './delivery-status.js';
import { createDelivery, isDeliveryDone, nextRetryDelayMs, recordDeliveryFailure, transitionDelivery } from './delivery.js';
import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';
import { seededRandom } from './random-source.js';
import { createRetryPolicy } from './retry-policy.js';

const policy = createRetryPolicy({ maxAttempts: 3, backoff: { kind: 'exponential', initialDelayMs: 100, multiplier: 2 }, jitter: 'none' });

describe('delivery state machine', () => {
  it('allows exactly the documented transitions', () => {
    const statuses = Object.values(DeliveryStatus);
    for (const from of statuses) {
      for (const to of statuses) expect(canTransition(from, to)).toBe(DELIVERY_TRANSITIONS[from].includes(to));
    }
    expect(statuses.filter(isTerminal).sort()).toEqual(['failed', 'processed', 'skipped']);
  });

  it('throws INVALID_TRANSITION naming the states', () => {
    expect(() => assertTransition('processed', 'dispatched')).toThrowError(
      expect.objectContaining({ code: 'INVALID_TRANSITION', message: 'a delivery cannot go from processed to dispatched; allowed from processed: none (terminal)' }),
    );
    expect(() => assertTransition('pending', 'acknowledged')).toThrowError(expect.objectContaining({ message: expect.stringContaining('dispatched, skipped, failed') }));
  });
});

describe('delivery lifecycle', () => {
  it.each(['pending', 'retrying', 'processed', 'failed', 'skipped'] as const)('refuses a failure of a delivery in %s, retryable or permanent alike', (status) => {
    let d = createDelivery('m-1', 0);
    if (status !== 'pending') d = transitionDelivery(d, 'dispatched', 0);
    if (status !== 'pending') d = transitionDelivery(d, status, 1);
    const failures = [
      () => recordDeliveryFailure(d, new IapError(ErrorCode.BROKER, 'broker down', { retryable: true }), 2, { policy }),
      () => recordDeliveryFailure(d, new IapError(ErrorCode.VALIDATION, 'bad message'), 2, { policy }),
      () => recordDeliveryFailure(d, new Error('boom'), 2, { policy, permanent: true }),
    ];
    for (const failure of failures) {
      expect(failure).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION', details: { from: status, messageId: 'm-1' } }));
    }
  });

  it('counts attempts on dispatch and retries until the policy is exhausted', () => {
    let d = createDelivery('m-1', 0);
    d = transitionDelivery(d, 'dispatched', 0);
    d = recordDeliveryFailure(d, new IapError(ErrorCode.BROKER, 'broker down', { retryable: true }), 10, { policy });
    expect(d).toMatchObject({ status: 'retrying', attempts: 1, nextAttemptAt: 110, lastError: { code: 'BROKER' } });
    expect(nextRetryDelayMs(d, 50)).toBe(60);
    expect(nextRetryDelayMs(d, 500)).toBe(0);
    d = transitionDelivery(d, 'dispatched', 110);
    d = recordDeliveryFailure(d, new IapError(ErrorCode.BROKER, 'broker down', { retryable: true }), 120, { policy });
    expect(d).toMatchObject({ status: 'retrying', attempts: 2, nextAttemptAt: 320 });
    d = transitionDelivery(d, 'dispatched', 320);
    d = recordDeliveryFailure(d, new IapError(ErrorCode.BROKER, 'broker down', { retryable: true }), 330, { policy });
    expect(d.status).toBe('failed');
    expect(d.history.at(-1)).toMatchObject({ from: 'dispatched', to: 'failed', reason: 'max_attempts', attempt: 3 });
    expect(isDeliveryDone(d)).toBe(true);
    expect(nextRetryDelayMs(d, 400)).toBeUndefined();
  });

  it('fails at once on a non-retryable IapError or when marked permanent; plain errors are retried', () => {
    const dispatched = transitionDelivery(createDelivery('m-2', 0), 'dispatched', 0);
    expect(recordDeliveryFailure(dispatched, new IapError(ErrorCode.VALIDATION, 'bad'), 1, { policy }).status).toBe('failed');
    expect(recordDeliveryFailure(dispatched, new Error('x'), 1, { policy, permanent: true }).status).toBe('failed');
    expect(recordDeliveryFailure(dispatched, new Error('x'), 1, { policy, random: seededRandom(1) }).status).toBe('retrying');
  });

  it('honours a Retry-After hint inside the caps', () => {
    const dispatched = transitionDelivery(createDelivery('m-3', 0), 'dispatched', 0);
    const d = recordDeliveryFailure(dispatched, new IapError(ErrorCode.RATE_LIMITED, 'slow down', { retryable: true, retryAfterMs: 2500 }), 0, { policy });
    expect(d.nextAttemptAt).toBe(2500);
  });

  it('rejects a failure on a delivery that is not in flight', () => {
    expect(() => recordDeliveryFailure(createDelivery('m-4', 0), new Error('x'), 0, { policy })).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    expect(() => createDelivery('', 0)).toThrowError(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});

describe('audit record', () => {
  it('is value-free and renders as one logfmt line', () => {
    let d = transitionDelivery(createDelivery('m-5', Date.UTC(2026, 0, 1)), 'dispatched', Date.UTC(2026, 0, 1));
    d = recordDeliveryFailure(d, new Error('card 4242424242424242 declined for "Ann"'), Date.UTC(2026, 0, 1, 0, 0, 1), { policy: createRetryPolicy({ jitter: 'none' }) });
    const record = toDeliveryAuditRecord(d);
    expect(record).toEqual({
      messageId: 'm-5',
      status: 'retrying',
      previousStatus: 'dispatched',
      attempts: 1,
      at: '2026-01-01T00:00:01.000Z',
      errorCode: 'UNKNOWN',
      reason: undefined,
      nextAttemptAt: '2026-01-01T00:00:01.100Z',
    });
    const line = formatLogfmt(record); // as the envelope guide writes it: an interface, no index signature (type-checked)
    expect(line).toBe('messageId=m-5 status=retrying previousStatus=dispatched attempts=1 at=2026-01-01T00:00:01.000Z errorCode=UNKNOWN nextAttemptAt=2026-01-01T00:00:01.100Z');
    expect(line).not.toContain('4242');
    expect(formatLogfmt({ note: 'two words', quote: 'a"b' })).toBe('note="two words" quote="a\\"b"');
  });
});
