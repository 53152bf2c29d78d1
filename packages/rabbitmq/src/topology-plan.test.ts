import { describe, expect, it } from 'vitest';
import { planTopology } from './topology-plan.js';

describe('planTopology', () => {
  it('derives the dead-letter exchange and queue and TTL retry queues that return to the work queue', () => {
    const steps = planTopology([{ name: 'orders' }], [{ name: 'billing', bindings: [{ exchange: 'orders', routingKey: 'order.*' }], retryDelaysMs: [1_000, 30_000], deliveryLimit: 5, singleActiveConsumer: true }]);
    expect(steps).toEqual([
      { kind: 'exchange', name: 'orders', type: 'topic', arguments: {} },
      { kind: 'exchange', name: 'billing.dlx', type: 'direct', arguments: {} },
      { kind: 'queue', name: 'billing.dlq', arguments: { 'x-queue-type': 'quorum' } },
      { kind: 'binding', queue: 'billing.dlq', exchange: 'billing.dlx', routingKey: 'billing' },
      { kind: 'queue', name: 'billing.retry.1', arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish', 'x-message-ttl': 1_000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'billing' } },
      { kind: 'queue', name: 'billing.retry.2', arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish', 'x-message-ttl': 30_000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'billing' } },
      {
        kind: 'queue',
        name: 'billing',
        arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish', 'x-dead-letter-exchange': 'billing.dlx', 'x-dead-letter-routing-key': 'billing', 'x-delivery-limit': 5, 'x-single-active-consumer': true },
      },
      { kind: 'binding', queue: 'billing', exchange: 'orders', routingKey: 'order.*' },
    ]);
  });

  it('rejects duplicates, reserved names and bad delays with INVALID_OPTIONS', () => {
    expect(() => planTopology([{ name: 'a' }, { name: 'a' }], [])).toThrow(/declared twice/);
    expect(() => planTopology([{ name: 'amq.topic' }], [])).toThrow(/amq\./);
    expect(() => planTopology([], [{ name: 'q', retryDelaysMs: [0] }])).toThrow(/retryDelaysMs\[0\]/);
    expect(() => planTopology([], [{ name: 'q', type: 'classic', deliveryLimit: 3 }])).toThrow(/deliveryLimit/);
  });
});
