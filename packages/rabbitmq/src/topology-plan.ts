import { ErrorCode, IapError } from '@iap/core';
import type { AmqpFieldValue } from './transport.js';

/**
 * An exchange to declare (durable).
 *
 * @example
 * ```ts
 * import type { ExchangeSpec } from '@iap/rabbitmq';
 *
 * const orders: ExchangeSpec = { name: 'orders', type: 'topic' };
 * ```
 */
export interface ExchangeSpec {
  readonly name: string;
  /** `direct`, `topic`, `fanout`, `headers`, or a plugin type such as `x-consistent-hash`. @defaultValue `'topic'` */
  readonly type?: string;
  /** Extra declaration arguments (e.g. `alternate-exchange`). */
  readonly arguments?: Readonly<Record<string, AmqpFieldValue>>;
}

/**
 * A work queue to declare with its bindings, dead-letter queue and retry queues.
 *
 * @example
 * ```ts
 * import type { QueueSpec } from '@iap/rabbitmq';
 *
 * const billing: QueueSpec = { name: 'billing', bindings: [{ exchange: 'orders', routingKey: 'order.*' }], retryDelaysMs: [1_000, 30_000] };
 * ```
 */
export interface QueueSpec {
  readonly name: string;
  /** Bindings of the work queue to exchanges declared in `exchanges` (or existing ones). */
  readonly bindings?: ReadonlyArray<{ readonly exchange: string; readonly routingKey: string }>;
  /** @defaultValue `'quorum'` */
  readonly type?: 'quorum' | 'classic';
  /**
   * Declare `<name>.dlx` (direct exchange) and `<name>.dlq` (a queue of the same type), and make
   * rejected messages of the work queue go there (at-least-once dead-lettering on quorum queues).
   * @defaultValue `true`
   */
  readonly deadLetter?: boolean;
  /**
   * One retry queue per delay, `<name>.retry.<n>` (n from 1): `x-message-ttl` = the delay, and
   * expired messages dead-letter back to the work queue (through the default exchange, addressed to
   * `<name>`, so they do not fan out again to every queue bound to the work exchange).
   * A consumer delays a message by publishing it to the retry queue through the default exchange.
   * @defaultValue `[]`
   */
  readonly retryDelaysMs?: readonly number[];
  /** Quorum queues: redeliveries before a message is dead-lettered (`x-delivery-limit`). */
  readonly deliveryLimit?: number;
  /** `x-single-active-consumer`: one consumer at a time gets the queue's messages, in order. @defaultValue `false` */
  readonly singleActiveConsumer?: boolean;
  /** Extra arguments of the work queue (they win over the computed ones). */
  readonly arguments?: Readonly<Record<string, AmqpFieldValue>>;
}

/**
 * A declaration step, in the order it is made.
 *
 * @example
 * ```ts
 * import type { TopologyStep } from '@iap/rabbitmq';
 *
 * const describe = (step: TopologyStep): string => (step.kind === 'binding' ? `${step.queue} <- ${step.exchange}` : step.name);
 * ```
 */
export type TopologyStep =
  | { readonly kind: 'exchange'; readonly name: string; readonly type: string; readonly arguments: Readonly<Record<string, AmqpFieldValue>> }
  | { readonly kind: 'queue'; readonly name: string; readonly arguments: Readonly<Record<string, AmqpFieldValue>> }
  | { readonly kind: 'binding'; readonly queue: string; readonly exchange: string; readonly routingKey: string };

/** Names of the queues and exchanges {@link planTopology} derives from a work queue name. */
export function derivedNames(queue: string): { readonly deadLetterExchange: string; readonly deadLetterQueue: string; retryQueue(n: number): string } {
  return { deadLetterExchange: `${queue}.dlx`, deadLetterQueue: `${queue}.dlq`, retryQueue: (n) => `${queue}.retry.${n}` };
}

function queueTypeArguments(type: 'quorum' | 'classic'): Record<string, AmqpFieldValue> {
  // at-least-once dead-lettering needs reject-publish overflow (quorum queues)
  return type === 'quorum' ? { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } : { 'x-queue-type': 'classic' };
}

function invalid(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `ensureTopology: ${message}`);
}

/**
 * The declarations for exchanges and queues, in order: exchanges, then per queue its dead-letter
 * exchange and queue, retry queues, the work queue, its bindings.
 *
 * @throws IapError `INVALID_OPTIONS` for an empty or duplicate name or an invalid delay.
 * @example
 * ```ts
 * import { planTopology } from '@iap/rabbitmq';
 *
 * for (const step of planTopology([{ name: 'orders' }], [{ name: 'billing', retryDelaysMs: [5_000] }])) console.log(step.kind);
 * ```
 */
export function planTopology(exchanges: readonly ExchangeSpec[], queues: readonly QueueSpec[]): TopologyStep[] {
  const steps: TopologyStep[] = [];
  const seen = new Set<string>();
  const unique = (kind: string, name: unknown) => {
    if (typeof name !== 'string' || name === '' || name.startsWith('amq.')) throw invalid(`${kind} name must be a non-empty string not starting with "amq." (got ${typeof name === 'string' ? `"${name}"` : typeof name})`);
    if (seen.has(`${kind}:${name}`)) throw invalid(`${kind} "${name}" is declared twice`);
    seen.add(`${kind}:${name}`);
  };
  for (const exchange of exchanges) {
    unique('exchange', exchange.name);
    steps.push({ kind: 'exchange', name: exchange.name, type: exchange.type ?? 'topic', arguments: exchange.arguments ?? {} });
  }
  for (const queue of queues) {
    unique('queue', queue.name);
    const type = queue.type ?? 'quorum';
    if (type !== 'quorum' && type !== 'classic') throw invalid(`queue "${queue.name}": type must be "quorum" or "classic"`);
    const names = derivedNames(queue.name);
    const typeArguments = queueTypeArguments(type);
    const work: Record<string, AmqpFieldValue> = { ...typeArguments };
    if (queue.deadLetter ?? true) {
      unique('exchange', names.deadLetterExchange);
      unique('queue', names.deadLetterQueue);
      steps.push({ kind: 'exchange', name: names.deadLetterExchange, type: 'direct', arguments: {} });
      steps.push({ kind: 'queue', name: names.deadLetterQueue, arguments: { 'x-queue-type': type } });
      steps.push({ kind: 'binding', queue: names.deadLetterQueue, exchange: names.deadLetterExchange, routingKey: queue.name });
      work['x-dead-letter-exchange'] = names.deadLetterExchange;
      work['x-dead-letter-routing-key'] = queue.name;
    } else if (type === 'quorum') {
      delete work['x-dead-letter-strategy'];
      delete work['x-overflow'];
    }
    (queue.retryDelaysMs ?? []).forEach((delayMs, i) => {
      if (!Number.isInteger(delayMs) || delayMs <= 0) throw invalid(`queue "${queue.name}": retryDelaysMs[${i}] must be a positive integer of milliseconds`);
      unique('queue', names.retryQueue(i + 1));
      steps.push({ kind: 'queue', name: names.retryQueue(i + 1), arguments: { ...typeArguments, 'x-message-ttl': delayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue.name } });
    });
    if (queue.deliveryLimit !== undefined) {
      if (type !== 'quorum' || !Number.isInteger(queue.deliveryLimit) || queue.deliveryLimit < 1) throw invalid(`queue "${queue.name}": deliveryLimit needs a quorum queue and a positive integer`);
      work['x-delivery-limit'] = queue.deliveryLimit;
    }
    if (queue.singleActiveConsumer === true) work['x-single-active-consumer'] = true;
    steps.push({ kind: 'queue', name: queue.name, arguments: { ...work, ...queue.arguments } });
    for (const binding of queue.bindings ?? []) steps.push({ kind: 'binding', queue: queue.name, exchange: binding.exchange, routingKey: binding.routingKey });
  }
  return steps;
}
