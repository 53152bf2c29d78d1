import type { Envelope, TelemetryAttributes } from '@iap/core';
import type { RecordLocation, TransportMessage } from '../kafka-record.js';
import type { ConsumerBatch } from '../transport.js';
import type { Route } from './topic-routes.js';

/** Why a partition pauses (the `paused` event's `reason`). */
export type PauseReason = 'blocked' | 'not-due' | 'store-unavailable';

/** How one delivery ended. */
export type Outcome =
  /** Done (handled, duplicate, dead-lettered or forwarded): may be committed. */
  | { readonly kind: 'done' }
  /** Stop the batch here, nothing committed from this record on (closing, rebalance). */
  | { readonly kind: 'stop' }
  /** Pause the partition and come back to this record after `delayMs`. */
  | { readonly kind: 'pause'; readonly delayMs: number; readonly reason: PauseReason };

export const DONE: Outcome = { kind: 'done' };
export const STOP: Outcome = { kind: 'stop' };

/** What is the same for every record of one fetched batch. */
export interface BatchScope {
  readonly batch: ConsumerBatch;
  readonly route: Route;
  /** Telemetry attributes of the batch's metrics: topic and partition. */
  readonly attributes: TelemetryAttributes;
}

/** A consumed record and where it came from: enough to forward it to a retry or dead-letter topic. */
export interface SourceRecord {
  readonly scope: BatchScope;
  readonly message: TransportMessage;
  readonly location: RecordLocation;
}

/**
 * A decoded, validated record on its way to the handler: one object per record that the attempt,
 * the retry loop and the forwarder share.
 */
export interface Delivery extends SourceRecord {
  readonly event: Envelope;
  /** The event's idempotency key; undefined without an idempotency store. */
  readonly key: string | undefined;
  /** 1 from the main topic; from retry topic n, the attempt its header carries (n + 1 without it). */
  readonly deliveryAttempt: number;
}
