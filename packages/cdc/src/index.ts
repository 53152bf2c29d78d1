/**
 * @packageDocumentation
 * @iap/cdc: typed, lossless change events from Debezium, AWS DMS, Maxwell, Canal, wal2json and
 * Datastream, with honest field diffs, deterministic audit records and transaction assembly.
 */

// parsing
export { createCdcParser, parseChanges, parseChange, safeParseChanges } from './cdc-parser.js';
export type { CdcParser, CdcInput, CdcRecordMeta, ParseChangesOptions, ParseChangesResult } from './cdc-parser.js';
export type { CdcParserOptions, DecimalMode, TemporalMode, JsonMode, BinaryHandlingMode } from './cdc-parser-options.js';
export { CDC_FORMATS } from './cdc-format.js';
export type { CdcFormat } from './cdc-format.js';
export type { ColumnType, ColumnTypeName, ColumnTypeMap } from './column-type.js';

// errors
export { CdcParseError, isCdcParseError } from './cdc-parse-error.js';
export { CdcErrorCode } from './cdc-error-codes.js';
export type { CdcParseReason, CdcParseErrorInit } from './cdc-parse-error.js';

// model
export type {
  ChangeEvent,
  ChangeEventKind,
  ChangeOperation,
  BeforeImage,
  TransactionBlock,
  TransactionMarker,
  DataCollectionCount,
  LogicalMessage,
  SchemaChange,
} from './change-event.js';
export type {
  SourceInfo,
  SourcePosition,
  PostgresPosition,
  MysqlPosition,
  SqlServerPosition,
  MongoDbPosition,
  OraclePosition,
  OrdinalPosition,
  SnapshotMarker,
} from './source-info.js';
export type { CdcValue, Row } from './cdc-value.js';

// values
export { Decimal } from './decimal.js';
export { Unavailable, UnavailableValue, isUnavailable } from './unavailable.js';

// diffs, audit, transactions
export { changedFields } from './changed-fields.js';
export type { FieldChanges, FieldStatus } from './changed-fields.js';
export { toAuditRecord } from './audit-record.js';
export type { AuditRecord, AuditRecordOptions, AuditValue } from './audit-record.js';
export { createTransactionAssembler, transactionGroupId } from './transaction-assembler.js';
export type { TransactionAssembler, TransactionAssemblerOptions, TransactionBatch, BatchReleaseReason, DataCollectionProgress, TransactionOverflowEvent } from './transaction-assembler.js';
