/**
 * Debezium's `source` block and times, shared by every Debezium record kind (change envelopes,
 * schema changes): the connector's position (PostgreSQL LSN, MySQL binlog, SQL Server LSNs, ...).
 */
import type { SourceInfo, SourcePosition } from '../../source-info.js';
import { child, fail, type DecodeContext, type Path } from '../decode-context.js';
import { createSource, normaliseSnapshot } from '../event-factory.js';
import { optionalIdText, optionalInteger, optionalSafeInteger, optionalString, toBigInt, type JsonObject } from '../field-readers.js';

/** `ts_ms` / `ts_us` / `ts_ns` of an envelope or source block as ms, and exact ns when `ts_us`/`ts_ns` give them. */
export function readTimes(context: DecodeContext, object: JsonObject, path: Path): { ms: number | null; ns: bigint | null } {
  const ms = optionalSafeInteger(context, object, 'ts_ms', path);
  const ns = optionalInteger(context, object, 'ts_ns', path);
  if (ns !== null) return { ms, ns: toBigInt(ns) };
  const us = optionalInteger(context, object, 'ts_us', path);
  if (us !== null) return { ms, ns: toBigInt(us) * 1000n };
  return { ms, ns: null };
}

/** Builds a {@link SourceInfo} from a Debezium `source` block (any connector). */
export function debeziumSource(context: DecodeContext, source: JsonObject, path: Path, snapshotRead = false): SourceInfo {
  const connector = optionalString(context, source, 'connector', path);
  const snapshot = normaliseSnapshot(source.snapshot);
  if (snapshot === undefined) return fail(context, 'invalid-field', child(path, 'snapshot'), 'must be a string or a boolean');
  const times = readTimes(context, source, path);
  return createSource({
    connector,
    name: optionalString(context, source, 'name', path),
    version: optionalString(context, source, 'version', path),
    database: optionalString(context, source, 'db', path),
    schema: optionalString(context, source, 'schema', path),
    table: optionalString(context, source, 'table', path) ?? optionalString(context, source, 'collection', path),
    position: positionOf(context, connector, source, path),
    transactionId: optionalIdText(context, source, 'txId', path) ?? optionalIdText(context, source, 'txnNumber', path),
    snapshot,
    isSnapshot: snapshotRead || (snapshot !== null && snapshot !== 'false'),
    timeMs: times.ms,
    timeNs: times.ns,
  });
}

function positionOf(context: DecodeContext, connector: string | null, source: JsonObject, path: Path): SourcePosition | null {
  switch (connector) {
    case 'postgresql': {
      const lsn = optionalInteger(context, source, 'lsn', path);
      if (lsn === null) return null;
      return { type: 'postgres', lsn: toBigInt(lsn), sequence: sequenceOf(context, source, path) };
    }
    case 'mysql':
    case 'mariadb': {
      const file = optionalString(context, source, 'file', path);
      const position = optionalInteger(context, source, 'pos', path);
      if (file === null || position === null) return null;
      return {
        type: 'mysql',
        file,
        position,
        row: optionalSafeInteger(context, source, 'row', path),
        gtid: optionalString(context, source, 'gtid', path),
        serverId: optionalInteger(context, source, 'server_id', path),
      };
    }
    case 'sqlserver':
    case 'db2':
    case 'informix':
      return {
        type: 'sqlserver',
        changeLsn: optionalIdText(context, source, 'change_lsn', path),
        commitLsn: optionalIdText(context, source, 'commit_lsn', path),
        eventSerialNo: optionalInteger(context, source, 'event_serial_no', path),
      };
    case 'mongodb':
      return {
        type: 'mongodb',
        replicaSet: optionalString(context, source, 'rs', path),
        order: optionalSafeInteger(context, source, 'ord', path),
        token: optionalIdText(context, source, 'resume_token', path) ?? optionalIdText(context, source, 'h', path),
      };
    case 'oracle':
      return {
        type: 'oracle',
        scn: optionalIdText(context, source, 'scn', path),
        commitScn: optionalIdText(context, source, 'commit_scn', path),
      };
    default:
      return null;
  }
}

function sequenceOf(context: DecodeContext, source: JsonObject, path: Path): readonly (string | null)[] | null {
  const text = optionalString(context, source, 'sequence', path);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(context, 'invalid-field', child(path, 'sequence'), 'must be a JSON array of LSN strings');
  }
  if (!Array.isArray(parsed) || !parsed.every((entry) => entry === null || typeof entry === 'string')) {
    return fail(context, 'invalid-field', child(path, 'sequence'), 'must be a JSON array of LSN strings');
  }
  return parsed as (string | null)[];
}
