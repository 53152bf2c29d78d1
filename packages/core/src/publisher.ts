import type { Envelope } from './envelope.js';
import type { IapError } from './iap-error.js';

/**
 * A message to publish: a core envelope plus where it goes. Shared by the outbox relay (which
 * produces these from its rows) and every broker adapter (which turns them into records).
 */
export interface PublishMessage {
  /** Stable id of the message (the outbox row id / envelope id); results are matched by it. */
  readonly id: string;
  /** Destination topic, queue or subject. */
  readonly destination: string;
  /** Ordering key (Kafka record key); messages with the same key keep their order. */
  readonly partitionKey?: string | undefined;
  /** Extra transport headers (trace context included when present). */
  readonly headers: Readonly<Record<string, string>>;
  readonly envelope: Envelope;
  /**
   * The envelope's `data` already serialised as JSON text, when whoever built this message has it
   * at hand (the outbox relay reads it straight from its row). Only for JSON content types
   * (`isJsonContentType`); it must be JSON for the same value as `envelope.data` (whitespace
   * and key order may differ from `JSON.stringify`). Publishers that write JSON may send it as it is
   * instead of serialising `data` again; others ignore it. Whoever changes `envelope.data` on the
   * way (a wrapping publisher, a transform) must drop `dataJson`, or the old data is sent.
   */
  readonly dataJson?: string | undefined;
}

/** The outcome of publishing one message. */
export type PublishResult =
  | { readonly id: string; readonly ok: true }
  | { readonly id: string; readonly ok: false; readonly error: IapError; readonly retryable: boolean };

/** Options for {@link Publisher.publish}. */
export interface PublishOptions {
  /** Aborts the publish; messages not confirmed are reported as failed (retryable). */
  readonly signal?: AbortSignal;
}

/**
 * Publishes batches of messages and reports a result per message, in input order. `publish` must not
 * throw for per-message failures: it returns them, each classified retryable or not. It may throw
 * (or reject) only when the publisher itself is unusable (closed, misconfigured), with an IapError.
 *
 * At-least-once: a message reported `ok` is durably accepted by the transport; a message reported
 * failed may still have been delivered (the caller retries; consumers deduplicate).
 */
export interface Publisher {
  publish(messages: readonly PublishMessage[], options?: PublishOptions): Promise<PublishResult[]>;
  /** Releases connections; publishing afterwards rejects with code `CLOSED`. */
  close(): Promise<void>;
}
