import { CONSUME_DONE, CONSUME_STOP, type ConsumeDelivery, type ConsumeOutcome, type ConsumePauseReason, type TelemetryAttributes } from '@iap/core';
import type { RecordLocation, TransportMessage } from '../kafka-record.js';
import type { ConsumerBatch } from '../transport.js';
import type { Route } from './topic-routes.js';

/** Why a partition pauses (the `paused` event's `reason`): core's consume pipeline reasons. */
export type PauseReason = ConsumePauseReason;

/**
 * How one delivery ended (core's `ConsumeOutcome`): `done` may be committed, `stop` ends the batch
 * with nothing committed from this record on, `pause` pauses the partition and comes back to the
 * record after `delayMs`.
 */
export type Outcome = ConsumeOutcome;

export const DONE: Outcome = CONSUME_DONE;
export const STOP: Outcome = CONSUME_STOP;

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
 * A decoded, validated record on its way to the handler: one object per record that the pipeline's
 * attempt and retry loop, and the forwarder share. `deliveryAttempt` is 1 from the main topic; from
 * retry topic n, the attempt its header carries (n + 1 without it).
 */
export interface Delivery extends SourceRecord, ConsumeDelivery {}
