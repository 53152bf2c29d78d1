/**
 * One header value as Kafka carries it: bytes. A name that occurs several times on one record holds
 * an array of its values in arrival order (kafkajs' representation). Strings are accepted when
 * producing and are written as UTF-8.
 *
 * @example
 * ```ts
 * const value: RecordHeaderValue = [Buffer.from('a'), Buffer.from('b')]; // the name repeated twice
 * ```
 */
export type RecordHeaderValue = Buffer | string | ReadonlyArray<Buffer | string>;

/**
 * The headers of a record, by name.
 *
 * @example
 * ```ts
 * const headers: RecordHeaders = { 'x-tenant': 'acme', traceparent: Buffer.from(traceparent) };
 * ```
 */
export type RecordHeaders = Readonly<Record<string, RecordHeaderValue | undefined>>;

/**
 * A record to produce: key, value and headers as bytes. `partition` pins the partition; without it
 * the producer's partitioner chooses (Java-compatible murmur2 of the key by default).
 *
 * @example
 * ```ts
 * const record: OutgoingRecord = encodeKafkaRecord(envelope); // { key, value, headers }
 * ```
 */
export interface OutgoingRecord {
  /** Record key (the envelope's partition key, UTF-8), or `null`. */
  readonly key: Buffer | null;
  /** Record value, or `null` (a tombstone). */
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /** Explicit partition; omit to let the partitioner choose. */
  readonly partition?: number;
}

/**
 * A record as read from a partition. kafkajs' consumed messages have this shape, so they are used as
 * they are, without copying.
 *
 * @example
 * ```ts
 * const envelope = decodeKafkaRecord(message as TransportMessage, { topic, partition, offset: message.offset });
 * ```
 */
export interface TransportMessage {
  /** Offset as a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
  /** Record timestamp in ms since the epoch, as a decimal string. */
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders | undefined;
}

/**
 * Where a consumed record came from.
 *
 * @example
 * ```ts
 * const location: RecordLocation = { topic: 'orders', partition: 0, offset: '42' };
 * ```
 */
export interface RecordLocation {
  readonly topic: string;
  readonly partition: number;
  /** Offset as a decimal string. */
  readonly offset: string;
}

/**
 * The timestamp type of a topic (`message.timestamp.type`), with Java's spelling.
 *
 * @example
 * ```ts
 * const type: TimestampType = 'CreateTime';
 * ```
 */
export type TimestampType = 'CreateTime' | 'LogAppendTime';
