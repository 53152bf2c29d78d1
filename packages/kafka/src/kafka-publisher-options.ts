import { ErrorCode, IapError, noopLogger, noopTelemetry, systemClock, type Clock, type Logger, type Telemetry } from '@iap/core';
import { createJavaCompatiblePartitioner, type Partitioner } from './partitioner.js';
import type { CloudEventsMode } from './record-codec.js';
import type { KafkaTransport } from './transport.js';

/**
 * Options for {@link createKafkaPublisher}.
 *
 * @example
 * ```ts
 * const options: KafkaPublisherOptions = { transport, mode: 'structured', publishTimeoutMs: 10_000 };
 * ```
 */
export interface KafkaPublisherOptions {
  /** The Kafka client boundary, e.g. `createKafkaJsTransport({ kafka })`. */
  readonly transport: KafkaTransport;
  /** CloudEvents binding mode of the records. @defaultValue `'binary'` */
  readonly mode?: CloudEventsMode;
  /**
   * Longest wait for the broker's acknowledgement of one `publish` call, time queued behind requests
   * in flight and re-sends after a permanent failure included; messages not acknowledged by then are
   * reported failed (retryable). Also the broker-side produce timeout.
   * @defaultValue `30_000`
   */
  readonly publishTimeoutMs?: number;
  /** @defaultValue `'none'` */
  readonly compression?: 'none' | 'gzip';
  /**
   * Produce requests in flight at once. `publish` calls that arrive while this many are in flight
   * wait and then go out together as one request (up to `maxRequestBytes`), in arrival order: a
   * broker serves one connection's requests one at a time anyway, and one request for several
   * batches saves the client's and the broker's per-request work. No timer is involved: a call that
   * finds a free slot is sent at once. A request that fails for a reason that is not retryable keeps
   * its slot while it is sent again call by call, then record by record, so later calls never
   * overtake its records.
   * @defaultValue `2`
   */
  readonly maxRequestsInFlight?: number;
  /**
   * Upper bound, in bytes, of a merged request's estimated size (keys, values and headers plus
   * framing); one `publish` call larger than this is still sent, alone. Keep it at or below the
   * topic's `max.message.bytes`: should the broker still reject a merged request as too large, each
   * call's records are sent again on their own.
   * @defaultValue `1_000_000` (below the broker default `message.max.bytes`, 1,048,588)
   */
  readonly maxRequestBytes?: number;
  /** Chooses partitions of keyed and keyless records. @defaultValue Java-compatible murmur2 (`createJavaCompatiblePartitioner()`) */
  readonly partitioner?: Partitioner;
  /** @defaultValue `systemClock` */
  readonly clock?: Clock;
  /** Counters `iap.kafka.publisher.published` / `.failed`, histogram `iap.kafka.publisher.send.duration_ms` (per call, time queued included). @defaultValue `noopTelemetry` */
  readonly telemetry?: Telemetry;
  /** @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

/** Publisher options with every default resolved (one place). */
export interface ResolvedPublisherOptions {
  readonly transport: KafkaTransport;
  readonly mode: CloudEventsMode;
  readonly publishTimeoutMs: number;
  readonly compression: 'none' | 'gzip';
  readonly maxRequestsInFlight: number;
  readonly maxRequestBytes: number;
  readonly partitioner: Partitioner;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly logger: Logger;
}

/** Validates publisher options and resolves every default. @throws IapError `INVALID_OPTIONS`. */
export function resolvePublisherOptions(options: KafkaPublisherOptions): ResolvedPublisherOptions {
  const invalid = (message: string) => new IapError(ErrorCode.INVALID_OPTIONS, `createKafkaPublisher: ${message}`);
  if (typeof options !== 'object' || options === null || typeof options.transport?.createProducer !== 'function') {
    throw invalid('transport is required (e.g. createKafkaJsTransport({ kafka }) from @iap/kafka/kafkajs)');
  }
  const mode = options.mode ?? 'binary';
  if (mode !== 'binary' && mode !== 'structured') throw invalid('mode must be "binary" or "structured"');
  const publishTimeoutMs = options.publishTimeoutMs ?? 30_000;
  if (!Number.isInteger(publishTimeoutMs) || publishTimeoutMs <= 0) throw invalid('publishTimeoutMs must be a positive integer');
  const compression = options.compression ?? 'none';
  if (compression !== 'none' && compression !== 'gzip') throw invalid('compression must be "none" or "gzip"');
  const maxRequestsInFlight = options.maxRequestsInFlight ?? 2;
  if (!Number.isInteger(maxRequestsInFlight) || maxRequestsInFlight < 1) throw invalid('maxRequestsInFlight must be a positive integer');
  const maxRequestBytes = options.maxRequestBytes ?? 1_000_000;
  if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < 1) throw invalid('maxRequestBytes must be a positive integer');
  if (options.partitioner !== undefined && typeof options.partitioner !== 'function') throw invalid('partitioner must be a function');
  return {
    transport: options.transport,
    mode,
    publishTimeoutMs,
    compression,
    maxRequestsInFlight,
    maxRequestBytes,
    partitioner: options.partitioner ?? createJavaCompatiblePartitioner(),
    clock: options.clock ?? systemClock,
    telemetry: options.telemetry ?? noopTelemetry,
    logger: options.logger ?? noopLogger,
  };
}
