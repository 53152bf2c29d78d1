import { ErrorCode, IapError } from '@iap/core';
import { isSagaStatus } from '../saga-status.js';
import type { SagaCheckpoint, SagaCheckpointKind, SagaRecord, SagaSummary } from '../saga-store.js';

/** @internal A numeric column (`bigint` columns come back as strings from `pg`). */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : toNumber(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** @internal Stored times are whole milliseconds. */
export function dbTime(ms: number): number {
  return Math.floor(ms);
}

/** @internal A run row (without input and log) as a {@link SagaSummary}. */
export function summaryFrom(row: Record<string, unknown>): SagaSummary {
  const status = row.status;
  if (!isSagaStatus(status)) throw new IapError(ErrorCode.STORE_FAILED, `saga store: saga ${String(row.saga_id)} has an unknown status; the row is damaged`);
  return {
    sagaId: String(row.saga_id),
    sagaName: String(row.saga_name),
    status,
    version: toNumber(row.version),
    leaseOwner: optionalString(row.lease_owner),
    leaseExpiresAt: optionalNumber(row.lease_expires_at),
    deadlineAt: optionalNumber(row.deadline_at),
    failureJson: optionalString(row.failure_json),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

function checkpointFrom(value: unknown): SagaCheckpoint {
  const c = value as Record<string, unknown>;
  return {
    seq: toNumber(c.seq),
    kind: String(c.kind) as SagaCheckpointKind,
    step: optionalString(c.step),
    resultJson: optionalString(c.resultJson),
    errorJson: optionalString(c.errorJson),
    attempts: optionalNumber(c.attempts),
    note: optionalString(c.note),
    at: toNumber(c.at),
  };
}

/** @internal A run row with its input and checkpoint log as a {@link SagaRecord}. */
export function recordFrom(row: Record<string, unknown>): SagaRecord {
  const raw = typeof row.checkpoints === 'string' ? (JSON.parse(row.checkpoints) as unknown) : row.checkpoints;
  return {
    ...summaryFrom(row),
    inputJson: String(row.input_json),
    checkpoints: Array.isArray(raw) ? raw.map(checkpointFrom) : [],
  };
}
