import { ErrorCode, IapError, InFlightCalls, toIapError, type PublishMessage, type PublishOptions, type PublishResult, type Publisher } from '@iap/core';
import type { AmqpMessage } from './amqp-message.js';
import { openConfirmSession, type ConfirmSession } from './internal/confirm-session.js';
import { describeClientError } from './internal/describe-error.js';
import { createPublishCall, type PublishCall } from './internal/publish-call.js';
import { encodeAmqpMessage } from './message-encode.js';
import { RabbitMqConfirmTimeoutError, RabbitMqConnectionError, RabbitMqEncodeError } from './rabbitmq-errors.js';
import { resolveRabbitMqPublisherOptions, type AmqpRoute, type RabbitMqPublisherOptions, type ResolvedRabbitMqPublisherOptions } from './rabbitmq-publisher-options.js';

/**
 * A {@link Publisher} for RabbitMQ, as the outbox relay uses it.
 *
 * @example
 * ```ts
 * import { createRabbitMqPublisher, type RabbitMqPublisher } from '@iap/rabbitmq';
 * import { createAmqplibTransport } from '@iap/rabbitmq/amqplib';
 *
 * const publisher: RabbitMqPublisher = createRabbitMqPublisher({ transport: createAmqplibTransport({ url: 'amqp://127.0.0.1' }) });
 * await publisher.connect(); // fail fast at startup
 * ```
 */
export interface RabbitMqPublisher extends Publisher {
  /** Opens the connection and confirm channel now; `publish` opens them on first use otherwise. */
  connect(): Promise<void>;
}

interface Prepared {
  readonly index: number;
  readonly route: AmqpRoute;
  readonly message: AmqpMessage;
}

/**
 * Creates a {@link Publisher} that writes envelopes to RabbitMQ for the outbox relay, on a confirm
 * channel: every message is `mandatory` and persistent, encoded with {@link encodeAmqpMessage}
 * (CloudEvents AMQP binding, `message-id` = envelope id), and reported published only once the
 * broker has confirmed it (basic.ack). A result per message, in input order; failures are returned,
 * never thrown:
 *
 * - returned as unroutable (basic.return: no queue bound) → `RABBITMQ_UNROUTABLE`, retryable;
 * - exchange missing → `RABBITMQ_EXCHANGE_NOT_FOUND`, retryable (checked once per exchange and connection);
 * - basic.nack → `RABBITMQ_NACKED`, retryable;
 * - connection or channel lost before the confirm → `RABBITMQ_CONNECTION`, retryable; the next
 *   publish opens a new connection (after a broker restart or a dropped network);
 * - no confirm within `confirmTimeoutMs` → `RABBITMQ_CONFIRM_TIMEOUT`, retryable; the connection is discarded;
 * - envelope cannot be encoded or routed → `RABBITMQ_ENCODE`, not retryable.
 *
 * A message reported failed may still have been stored (at least once); consumers deduplicate by
 * envelope id (`message-id`).
 *
 * @throws IapError `INVALID_OPTIONS` for invalid options; `publish` rejects with `CLOSED` after `close()`.
 * @example
 * ```ts
 * import { createRabbitMqPublisher } from '@iap/rabbitmq';
 * import { createAmqplibTransport } from '@iap/rabbitmq/amqplib';
 * import { createEnvelope } from '@iap/core';
 *
 * const publisher = createRabbitMqPublisher({ transport: createAmqplibTransport({ url: 'amqp://127.0.0.1' }) });
 * const event = createEnvelope({ type: 'order.placed', source: '/orders', data: { orderId: 'o-1' } });
 * const [result] = await publisher.publish([{ id: event.id, destination: 'orders', headers: {}, envelope: event }]);
 * ```
 */
export function createRabbitMqPublisher(options: RabbitMqPublisherOptions): RabbitMqPublisher {
  const config = resolveRabbitMqPublisherOptions(options);
  const { clock, telemetry, logger } = config;
  let closed = false;
  let closing: Promise<void> | undefined;
  let session: ConfirmSession | undefined;
  let opening: Promise<ConfirmSession> | undefined;
  const inFlight = new InFlightCalls();

  const onSessionEnd = (error: IapError, pending: number): void => {
    logger.warn({ code: error.code, pending }, 'RabbitMQ connection or channel lost; its unconfirmed messages are reported failed (retryable)');
  };

  const open = (): Promise<ConfirmSession> => {
    if (session?.isAlive()) return Promise.resolve(session);
    opening ??= connectWithin(config, onSessionEnd)
      .then((opened) => {
        if (closed) {
          void opened.close().catch(() => undefined);
          throw new IapError(ErrorCode.CLOSED, 'the RabbitMQ publisher was closed while connecting');
        }
        session = opened;
        return opened;
      })
      .finally(() => (opening = undefined));
    return opening;
  };

  const publishNow = async (messages: readonly PublishMessage[], publishOptions: PublishOptions): Promise<PublishResult[]> => {
    const call = createPublishCall(messages.map((m) => m.id));
    const prepared = prepare(messages, config, call);
    if (prepared.length > 0) await send(prepared, call, publishOptions.signal);
    call.seal();
    await call.done;
    let failed = 0;
    for (const r of call.results) if (!r.ok) failed++;
    if (failed < call.results.length) telemetry.counter?.('iap.rabbitmq.publisher.published', call.results.length - failed);
    if (failed > 0) telemetry.counter?.('iap.rabbitmq.publisher.failed', failed);
    return call.results;
  };

  const send = async (prepared: readonly Prepared[], call: PublishCall, signal: AbortSignal | undefined): Promise<void> => {
    const aborted = () => new IapError(ErrorCode.ABORTED, 'publish aborted before RabbitMQ confirmed the message', { retryable: true, cause: signal?.reason });
    if (signal?.aborted) return call.settleRest(aborted());
    let current: ConfirmSession;
    try {
      current = await open();
    } catch (error) {
      const e = IapError.isInstance(error) && error.code === ErrorCode.CLOSED ? error : new RabbitMqConnectionError('connect', `connecting to RabbitMQ failed (${describeClientError(error)}); the message is retried`, error);
      return call.settleRest(e);
    }
    const started = clock.now();
    const onAbort = () => call.settleRest(aborted());
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = clock.setTimeout(() => {
      call.settleRest(new RabbitMqConfirmTimeoutError(config.confirmTimeoutMs));
      current.discard(`no confirm within confirmTimeoutMs, ${config.confirmTimeoutMs} ms`);
    }, config.confirmTimeoutMs);
    try {
      // a timeout or an abort settles every message: stop waiting for the broker then
      await Promise.race([checkExchanges(current, prepared, call), call.allSettled]);
      for (const p of prepared) {
        if (!current.isAlive()) {
          call.settleRest(new RabbitMqConnectionError('in-flight', 'the RabbitMQ connection closed before the message was written; it is retried'));
          break;
        }
        if (signal?.aborted) break;
        const index = p.index;
        if (call.results[index] !== undefined) continue; // failed its exchange check
        call.expect(index);
        const writable = current.publish({ messageId: p.message.properties.messageId, exchange: p.route.exchange, routingKey: p.route.routingKey, settle: (error) => call.settle(index, error) }, p.message.content, p.message.properties);
        if (!writable) await Promise.race([current.waitForDrain(), call.allSettled]);
      }
      call.seal();
      await Promise.race([call.done, call.allSettled]);
    } finally {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      telemetry.histogram?.('iap.rabbitmq.publisher.confirm.duration_ms', clock.now() - started);
    }
  };

  return {
    async connect() {
      if (closed) throw new IapError(ErrorCode.CLOSED, 'the RabbitMQ publisher is closed');
      try {
        await open();
      } catch (error) {
        if (IapError.isInstance(error)) throw error;
        throw new RabbitMqConnectionError('connect', `connecting to RabbitMQ failed (${describeClientError(error)})`, error);
      }
    },
    publish(messages: readonly PublishMessage[], publishOptions: PublishOptions = {}): Promise<PublishResult[]> {
      if (closed) return Promise.reject(new IapError(ErrorCode.CLOSED, 'the RabbitMQ publisher is closed; create a new one to publish'));
      if (messages.length === 0) return Promise.resolve([]);
      return inFlight.track(publishNow(messages, publishOptions));
    },
    close(): Promise<void> {
      if (closing !== undefined) return closing;
      closed = true;
      closing = (async () => {
        await inFlight.settled();
        await opening?.catch(() => undefined);
        await session?.close().catch(() => undefined);
        session = undefined;
      })();
      return closing;
    },
  };
}

/** Routes and encodes each message; one that cannot be gets its (not retryable) failure at once. */
function prepare(messages: readonly PublishMessage[], config: ResolvedRabbitMqPublisherOptions, call: PublishCall): Prepared[] {
  const prepared: Prepared[] = [];
  for (let index = 0; index < messages.length; index++) {
    const m = messages[index]!;
    try {
      const route = config.route(m);
      const message = encodeAmqpMessage(m.envelope, { mode: config.mode, headers: m.headers, dataJson: m.dataJson });
      prepared.push({ index, route, message });
    } catch (error) {
      call.settle(index, RabbitMqEncodeError.isInstance(error) ? error : new RabbitMqEncodeError(m.envelope.id, `routing it failed (${toIapError(error).message})`, error));
    }
  }
  return prepared;
}

/** Checks each exchange of the call not yet known to the session; messages to a missing one fail. */
async function checkExchanges(session: ConfirmSession, prepared: readonly Prepared[], call: PublishCall): Promise<void> {
  const failedExchanges = new Map<string, IapError>();
  for (const p of prepared) {
    const exchange = p.route.exchange;
    if (exchange === '' || session.knownExchanges.has(exchange)) continue;
    let error = failedExchanges.get(exchange);
    if (error === undefined && !failedExchanges.has(exchange)) {
      error = await session.checkExchange(exchange);
      if (error === undefined) session.knownExchanges.add(exchange);
      else failedExchanges.set(exchange, error);
    }
    if (error !== undefined) call.settle(p.index, error);
  }
}

/** Opens a session within `confirmTimeoutMs` (a black-holed network never answers the handshake). */
async function connectWithin(config: ResolvedRabbitMqPublisherOptions, onEnd: (error: IapError, pending: number) => void): Promise<ConfirmSession> {
  const attempt = openConfirmSession(config.transport, onEnd);
  let timer: ReturnType<typeof config.clock.setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = config.clock.setTimeout(() => reject(new Error(`no answer within ${config.confirmTimeoutMs} ms`)), config.confirmTimeoutMs);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } catch (error) {
    // a late connection is closed as soon as it opens
    void attempt.then((late) => late.close()).catch(() => undefined);
    throw error;
  } finally {
    if (timer !== undefined) config.clock.clearTimeout(timer);
  }
}
