import { ErrorCode, IapError, toIapError, type PublishMessage, type PublishOptions, type PublishResult, type Publisher } from '@iap/core';

/**
 * A subscriber of the in-process transport. Throwing (or rejecting) fails the publish of that message (retryable).
 * @example
 * ```ts
 * const handler: InProcessHandler = async (message) => {
 *   await applyOrder(message.envelope.data);
 * };
 * transport.subscribe('orders', handler);
 * ```
 */
export type InProcessHandler = (message: PublishMessage) => void | Promise<void>;

/**
 * A NON-DURABLE, in-process transport for demos and unit tests: `publisher` hands each message to
 * the handlers subscribed to its destination, in the same process and in publish order. Nothing is
 * stored: a message published while nobody subscribes is dropped, and everything is gone when the
 * process exits. Use a real broker (e.g. `@iap/kafka`) in production.
 * @example
 * ```ts
 * const transport = createInProcessTransport();
 * const off = transport.subscribe('orders', (m) => console.log(m.envelope.type));
 * off();
 * await transport.close();
 * ```
 */
export interface InProcessTransport {
  /** Always `false`: this transport keeps nothing. */
  readonly durable: false;
  /** A core `Publisher`, e.g. for `createRelay`. A message is `ok` once every handler of its destination resolved. */
  readonly publisher: Publisher;
  /** Subscribes to a destination; returns the unsubscribe function. */
  subscribe(destination: string, handler: InProcessHandler): () => void;
  /** Unsubscribes everybody; publishing afterwards rejects with `CLOSED`. */
  close(): Promise<void>;
}

/**
 * Creates a non-durable in-process transport (publisher + subscribers).
 *
 * @example
 * ```ts
 * const transport = createInProcessTransport();
 * transport.subscribe('orders', async (message) => console.log(message.envelope.type));
 * const relay = createRelay({ database: db, outbox, publisher: transport.publisher });
 * ```
 */
export function createInProcessTransport(): InProcessTransport {
  const handlers = new Map<string, Set<InProcessHandler>>();
  let closed = false;

  async function deliver(message: PublishMessage): Promise<PublishResult> {
    const list = handlers.get(message.destination);
    if (!list) return { id: message.id, ok: true };
    for (const handler of [...list]) {
      try {
        await handler(message);
      } catch (error) {
        const cause = toIapError(error, ErrorCode.HANDLER_FAILED);
        const failure = new IapError(ErrorCode.PUBLISH_FAILED, `an in-process subscriber of "${message.destination}" failed on message ${message.id}: ${cause.message}`, { cause, retryable: true });
        return { id: message.id, ok: false, error: failure, retryable: true };
      }
    }
    return { id: message.id, ok: true };
  }

  const publisher: Publisher = {
    async publish(messages: readonly PublishMessage[], options: PublishOptions = {}): Promise<PublishResult[]> {
      if (closed) throw new IapError(ErrorCode.CLOSED, 'the in-process transport is closed');
      const results: PublishResult[] = [];
      for (const message of messages) {
        if (options.signal?.aborted) {
          results.push({ id: message.id, ok: false, error: new IapError(ErrorCode.ABORTED, 'publish aborted before this message was delivered', { retryable: true }), retryable: true });
        } else results.push(await deliver(message));
      }
      return results;
    },
    close(): Promise<void> {
      closed = true;
      return Promise.resolve();
    },
  };

  return Object.freeze({
    durable: false as const,
    publisher,
    subscribe(destination: string, handler: InProcessHandler): () => void {
      if (closed) throw new IapError(ErrorCode.CLOSED, 'the in-process transport is closed');
      if (typeof destination !== 'string' || destination.length === 0) throw new IapError(ErrorCode.VALIDATION, 'subscribe: destination must be a non-empty string');
      if (typeof handler !== 'function') throw new IapError(ErrorCode.VALIDATION, 'subscribe: handler must be a function');
      let set = handlers.get(destination);
      if (!set) handlers.set(destination, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(destination) === set) handlers.delete(destination);
      };
    },
    close(): Promise<void> {
      closed = true;
      handlers.clear();
      return Promise.resolve();
    },
  });
}
