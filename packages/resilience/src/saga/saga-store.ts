import type { SagaFinishedStatus, SagaStatus } from './saga-status.js';

/**
 * What a checkpoint records:
 * - `step_completed`: a step's action succeeded (`resultJson` holds its result);
 * - `step_failed`: a step's action failed after its retries (`errorJson`);
 * - `step_skipped`: an operator skipped a failed step after the pivot (it counts as done, no result);
 * - `step_compensated`: a step's compensation succeeded;
 * - `compensation_failed`: a step's compensation failed after its retries (`errorJson`);
 * - `compensation_skipped`: an operator skipped a failed compensation;
 * - `operator_retry`: an operator asked to retry a `failed` or `compensation_failed` saga;
 * - `resolved`: an operator marked the saga as handled by hand (`note`).
 *
 * @example
 * ```ts
 * const failures = record.checkpoints.filter((c) => c.kind === 'step_failed');
 * ```
 */
export type SagaCheckpointKind =
  | 'step_completed'
  | 'step_failed'
  | 'step_skipped'
  | 'step_compensated'
  | 'compensation_failed'
  | 'compensation_skipped'
  | 'operator_retry'
  | 'resolved';

/**
 * One entry of a saga's checkpoint log, as written by the orchestrator. JSON fields are opaque text.
 *
 * @example
 * ```ts
 * await store.checkpoint(sagaId, { owner, expectedVersion, now, leaseExpiresAt, entries: [{ seq: 1, kind: 'step_completed', step: 'reserve', resultJson: '{}', errorJson: undefined, attempts: 1, note: undefined }] });
 * ```
 */
export interface SagaCheckpointInput {
  /** Position in the saga's log, from 1, assigned by the lease holder. */
  readonly seq: number;
  readonly kind: SagaCheckpointKind;
  /** The step concerned; undefined for saga-level entries (`operator_retry`, `resolved`). */
  readonly step: string | undefined;
  /** JSON text of the step's result (`step_completed`); undefined when the result was `undefined`. */
  readonly resultJson: string | undefined;
  /** JSON text of the serialised error (`step_failed`, `compensation_failed`). */
  readonly errorJson: string | undefined;
  /** Attempts made (action or compensation). */
  readonly attempts: number | undefined;
  /** Operator note (`resolved`, `operator_retry`, skips). */
  readonly note: string | undefined;
}

/**
 * A stored checkpoint: the input plus the time it was written.
 *
 * @example
 * ```ts
 * for (const c of record.checkpoints) console.log(c.seq, c.kind, c.step, new Date(c.at).toISOString());
 * ```
 */
export interface SagaCheckpoint extends SagaCheckpointInput {
  /** Milliseconds since the epoch, from the writer's clock. */
  readonly at: number;
}

/**
 * A saga run as a store keeps it (without its log).
 *
 * @example
 * ```ts
 * for (const s of await store.list({ status: 'running' })) console.log(s.sagaId, s.leaseOwner, s.leaseExpiresAt);
 * ```
 */
export interface SagaSummary {
  readonly sagaId: string;
  readonly sagaName: string;
  readonly status: SagaStatus;
  /**
   * Optimistic version: incremented by every write. A writer must present the version it last saw,
   * so a worker whose lease was taken over can no longer write (fencing).
   */
  readonly version: number;
  /** Worker holding the lease, if any. */
  readonly leaseOwner: string | undefined;
  /** When the lease expires (ms since the epoch); another worker may take over afterwards. */
  readonly leaseExpiresAt: number | undefined;
  /** Absolute deadline (ms since the epoch) before the pivot, if any. */
  readonly deadlineAt: number | undefined;
  /** JSON text of the failure that stopped forward progress (`{ step, error }`), if any. */
  readonly failureJson: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * A saga run with its input and checkpoint log (ordered by `seq`).
 *
 * @example
 * ```ts
 * const record = await store.get('order-o-42');
 * console.log(record?.status, record?.checkpoints.length);
 * ```
 */
export interface SagaRecord extends SagaSummary {
  /** JSON text of the saga input. */
  readonly inputJson: string;
  readonly checkpoints: readonly SagaCheckpoint[];
}

/**
 * Input of {@link SagaStore.create}.
 *
 * @example
 * ```ts
 * await store.create({ sagaId, sagaName: 'order', inputJson: '{}', owner: 'w1', now, leaseExpiresAt: now + 30_000, deadlineAt: undefined });
 * ```
 */
export interface SagaCreateInput {
  readonly sagaId: string;
  readonly sagaName: string;
  readonly inputJson: string;
  /** The creating worker: it holds the lease from the start. */
  readonly owner: string;
  readonly now: number;
  readonly leaseExpiresAt: number;
  readonly deadlineAt: number | undefined;
}

/**
 * Result of {@link SagaStore.create}: the new record, or the one that already had this id.
 *
 * @example
 * ```ts
 * const { created, record } = await store.create(input);
 * ```
 */
export interface SagaCreateResult {
  readonly created: boolean;
  readonly record: SagaRecord;
}

/**
 * Input of {@link SagaStore.acquire}.
 *
 * @example
 * ```ts
 * await store.acquire(sagaId, { owner: 'w2', now, leaseExpiresAt: now + 30_000, statuses: ['running', 'compensating'] });
 * ```
 */
export interface SagaAcquireInput {
  readonly owner: string;
  readonly now: number;
  readonly leaseExpiresAt: number;
  /** Acquire only when the saga is in one of these statuses. */
  readonly statuses: readonly SagaStatus[];
}

/**
 * Result of {@link SagaStore.acquire}: the record with the new lease, or why not (the current record, if any).
 *
 * @example
 * ```ts
 * const attempt = await store.acquire(sagaId, input);
 * if (!attempt.acquired) console.log('held by', attempt.record?.leaseOwner);
 * ```
 */
export type SagaAcquireResult =
  | { readonly acquired: true; readonly record: SagaRecord }
  | { readonly acquired: false; readonly record: SagaRecord | undefined };

/**
 * Input of {@link SagaStore.claim}.
 *
 * @example
 * ```ts
 * const [record] = await store.claim({ sagaName: 'order', owner: 'w2', now, leaseExpiresAt: now + 30_000, limit: 1 });
 * ```
 */
export interface SagaClaimInput {
  readonly sagaName: string;
  readonly owner: string;
  readonly now: number;
  readonly leaseExpiresAt: number;
  /** Most records to claim. */
  readonly limit: number;
}

/**
 * Input of {@link SagaStore.checkpoint}: a fenced write by the lease holder.
 *
 * @example
 * ```ts
 * const version = await store.checkpoint(sagaId, { owner: 'w1', expectedVersion: 3, now, entries: [], leaseExpiresAt: now + 30_000 });
 * ```
 */
export interface SagaCheckpointWrite {
  readonly owner: string;
  /** The version the writer last saw; the write fails with `LEASE_LOST` when it changed. */
  readonly expectedVersion: number;
  readonly now: number;
  /** Log entries to append (may be empty: a lease renewal). */
  readonly entries: readonly SagaCheckpointInput[];
  /** New status, if it changes. */
  readonly status?: SagaStatus;
  /** New failure JSON (`null` clears it), if it changes. */
  readonly failureJson?: string | null;
  /** New lease expiry; `null` releases the lease (owner cleared). */
  readonly leaseExpiresAt: number | null;
}

/**
 * Query of {@link SagaStore.list}.
 *
 * @example
 * ```ts
 * const page = await store.list({ sagaName: 'order', status: 'failed', limit: 50, afterSagaId: previous.at(-1)?.sagaId });
 * ```
 */
export interface SagaListQuery {
  readonly status?: SagaStatus;
  readonly sagaName?: string;
  /** Return sagas whose id sorts after this one (keyset pagination). */
  readonly afterSagaId?: string;
  /** @defaultValue `100` */
  readonly limit?: number;
}

/**
 * What {@link SagaStore.purge} removes.
 *
 * @example
 * ```ts
 * const removed = await store.purge({ sagaName: 'order', statuses: ['completed'], updatedBefore: Date.now() - 30 * 86_400_000, limit: 1_000 });
 * ```
 */
export interface SagaPurgeInput {
  readonly sagaName: string;
  /** Only runs in these finished statuses (never active or waiting for an operator). */
  readonly statuses: readonly SagaFinishedStatus[];
  /** Only runs last written before this time (ms since the epoch). */
  readonly updatedBefore: number;
  /** Most runs removed, oldest update first. */
  readonly limit: number;
}

/**
 * Durable state of sagas: one record per run and an append-only checkpoint log. Every write after
 * creation is fenced by the lease owner and the optimistic `version`, so two workers never both
 * advance a saga. Implementations: {@link createInMemorySagaStore} (tests, demos), and under
 * `@iap/resilience/postgres` `createPostgresSagaStore` (`pg`) and `createPGliteSagaStore`.
 *
 * Stores keep inputs, results and errors as opaque JSON text; the orchestrator (de)serialises them.
 * All times are ms since the epoch from the orchestrator's clock.
 *
 * @example
 * ```ts
 * const stuck = await store.list({ status: 'compensation_failed' });
 * const record = await store.get(stuck[0]!.sagaId);
 * ```
 */
export interface SagaStore {
  /**
   * Inserts a new run holding a lease for `owner`, unless a run with this id exists; then returns
   * the existing one untouched (`created: false`). Atomic: two creators never both get `created: true`.
   */
  create(input: SagaCreateInput): Promise<SagaCreateResult>;
  /** The run with its log, or undefined. */
  get(sagaId: string): Promise<SagaRecord | undefined>;
  /** Runs matching the query, ordered by `sagaId`. */
  list(query?: SagaListQuery): Promise<SagaSummary[]>;
  /**
   * Takes the lease of one run when its status is in `statuses` and its lease is free or expired
   * (or already held by `owner`); increments the version.
   */
  acquire(sagaId: string, input: SagaAcquireInput): Promise<SagaAcquireResult>;
  /**
   * Atomically takes the leases of up to `limit` active runs (`running`, `compensating`) of
   * `sagaName` whose lease is free or expired, oldest update first; increments their versions.
   * Concurrent claimers never get the same run.
   */
  claim(input: SagaClaimInput): Promise<SagaRecord[]>;
  /**
   * Appends entries and updates status, failure and lease in one atomic write, when `owner` still
   * holds the lease at `expectedVersion`. Returns the new version.
   *
   * @throws IapError `LEASE_LOST` when the version or owner changed (another worker took over).
   */
  checkpoint(sagaId: string, write: SagaCheckpointWrite): Promise<number>;
  /**
   * Removes up to `limit` finished runs of `sagaName` (with their checkpoint logs) in one of
   * `statuses`, last written before `updatedBefore`, oldest update first. Returns how many it removed.
   */
  purge(input: SagaPurgeInput): Promise<number>;
}
