/**
 * The message formats this package reads.
 *
 * - `debezium`: the Debezium envelope (`before`/`after`/`source`/`op`), plain or wrapped in
 *   `{schema, payload}`, plus its tombstones, heartbeats, transaction metadata, truncate and
 *   logical-message events.
 * - `debezium-flattened`: rows after `io.debezium.transforms.ExtractNewRecordState`
 *   (`__op`, `__deleted`, `__table`, ...).
 * - `aws-dms`: AWS DMS Kafka / Kinesis target (`data` + `metadata`).
 * - `maxwell`: Maxwell's daemon (`database`, `table`, `type`, `data`, `old`).
 * - `canal`: Alibaba Canal flat messages (`data[]`, `old[]`, `isDdl`), several rows per message.
 * - `wal2json-v1`: wal2json format-version 1, one transaction (`change[]`) per message.
 * - `wal2json-v2`: wal2json format-version 2, one change (`action`) per message.
 * - `datastream`: Google Datastream JSON events (`source_metadata`, `payload`).
 *
 * @example
 * ```ts
 * const parser = createCdcParser({ format: 'maxwell' satisfies CdcFormat });
 * ```
 */
export type CdcFormat = 'debezium' | 'debezium-flattened' | 'aws-dms' | 'maxwell' | 'canal' | 'wal2json-v1' | 'wal2json-v2' | 'datastream';

/**
 * Every {@link CdcFormat}, in detection order.
 *
 * @example
 * ```ts
 * if ((CDC_FORMATS as readonly string[]).includes(config.format)) createCdcParser({ format: config.format as CdcFormat });
 * ```
 */
export const CDC_FORMATS: readonly CdcFormat[] = Object.freeze(['debezium', 'debezium-flattened', 'aws-dms', 'maxwell', 'canal', 'wal2json-v1', 'wal2json-v2', 'datastream']);
