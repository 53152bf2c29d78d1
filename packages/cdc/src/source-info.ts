/**
 * Where a change sits in the source's log, per connector family. Only what the message carries is
 * filled in; formats that give no position leave `source.position` null.
 *
 * @example
 * ```ts
 * const position = event.source.position;
 * if (position?.type === 'postgres') checkpoint.lsn = position.lsn; // bigint
 * ```
 */
export type SourcePosition =
  | PostgresPosition
  | MysqlPosition
  | SqlServerPosition
  | MongoDbPosition
  | OraclePosition
  | OrdinalPosition;

/** PostgreSQL WAL position (Debezium `lsn`/`sequence`, wal2json `lsn`). */
export interface PostgresPosition {
  readonly type: 'postgres';
  /** Log sequence number of the change. */
  readonly lsn: bigint;
  /** Debezium `sequence`: `[lastCommittedLsn, lsn]` as strings (null entries allowed), or null. */
  readonly sequence: readonly (string | null)[] | null;
}

/** MySQL binlog position (Debezium MySQL source, Datastream, Maxwell `position`). */
export interface MysqlPosition {
  readonly type: 'mysql';
  /** Binlog file name. */
  readonly file: string;
  /** Byte offset of the event in the binlog file. */
  readonly position: number | bigint;
  /** Row index inside the binlog event, when given. */
  readonly row: number | null;
  /** GTID of the transaction, when given. */
  readonly gtid: string | null;
  /** Server id of the MySQL server that wrote the event, when given. */
  readonly serverId: number | bigint | null;
}

/** SQL Server (and Db2 / Informix) LSN pair. */
export interface SqlServerPosition {
  readonly type: 'sqlserver';
  readonly changeLsn: string | null;
  readonly commitLsn: string | null;
  readonly eventSerialNo: number | bigint | null;
}

/** MongoDB oplog / change stream position. */
export interface MongoDbPosition {
  readonly type: 'mongodb';
  /** Replica set name. */
  readonly replicaSet: string | null;
  /** Order of the event within its second (`ord`). */
  readonly order: number | null;
  /** Resume token or oplog hash when given (`resume_token`, `h`). */
  readonly token: string | null;
}

/** Oracle system change numbers. */
export interface OraclePosition {
  readonly type: 'oracle';
  readonly scn: string | null;
  readonly commitScn: string | null;
}

/**
 * An ordering given by tools that have no log position of their own: Canal `[es, id, row]`,
 * Maxwell `[xid, xoffset]`, Datastream `sort_keys`. Compare element-wise.
 */
export interface OrdinalPosition {
  readonly type: 'ordinal';
  readonly values: readonly (string | number | bigint)[];
}

/**
 * Debezium's snapshot marker, normalised from the string of real output or the boolean of some
 * documentation examples (`true` → `'true'`, `false` → `'false'`). Markers not known to this
 * version become `'other'` (still a snapshot).
 */
export type SnapshotMarker = 'true' | 'false' | 'first' | 'last' | 'first_in_data_collection' | 'last_in_data_collection' | 'incremental' | 'other';

/** Where a change came from. Unknown parts are null. */
export interface SourceInfo {
  /** Connector or tool: `'postgresql'`, `'mysql'`, `'sqlserver'`, `'mongodb'`, `'oracle'`, `'maxwell'`, `'canal'`, `'aws-dms'`, `'wal2json'`, `'datastream'`, ... */
  readonly connector: string | null;
  /** Logical server name / topic prefix (Debezium `source.name`). */
  readonly name: string | null;
  /** Connector version. */
  readonly version: string | null;
  readonly database: string | null;
  readonly schema: string | null;
  /** Table (MongoDB: collection). */
  readonly table: string | null;
  readonly position: SourcePosition | null;
  /** Source transaction id as text (PostgreSQL `txId`, Maxwell `xid`, DMS `transaction-id`, ...). */
  readonly transactionId: string | null;
  /** The snapshot marker, or null when the format has none. */
  readonly snapshot: SnapshotMarker | null;
  /** True for rows read by a snapshot rather than from the log. */
  readonly isSnapshot: boolean;
  /** When the change was made in the database (commit time), in ms since the epoch. */
  readonly timeMs: number | null;
  /** The same in ns since the epoch, exact, when the source gives sub-millisecond precision (`ts_us`, `ts_ns`, ISO fractions beyond ms); else null. */
  readonly timeNs: bigint | null;
}
