import { leaseLostError } from './saga-errors.js';
import { isSagaActive, type SagaStatus } from './saga-status.js';
import type {
  SagaAcquireInput,
  SagaAcquireResult,
  SagaCheckpoint,
  SagaCheckpointWrite,
  SagaClaimInput,
  SagaCreateInput,
  SagaCreateResult,
  SagaListQuery,
  SagaPurgeInput,
  SagaRecord,
  SagaStore,
  SagaSummary,
} from './saga-store.js';

interface MutableRun {
  sagaId: string;
  sagaName: string;
  status: SagaStatus;
  inputJson: string;
  version: number;
  leaseOwner: string | undefined;
  leaseExpiresAt: number | undefined;
  deadlineAt: number | undefined;
  failureJson: string | undefined;
  createdAt: number;
  updatedAt: number;
  checkpoints: SagaCheckpoint[];
}

/**
 * A {@link SagaStore} kept in memory, with {@link InMemorySagaStore.size} for tests.
 *
 * @example
 * ```ts
 * const store = createInMemorySagaStore();
 * expect(store.size).toBe(0);
 * ```
 */
export interface InMemorySagaStore extends SagaStore {
  /** Number of saga runs held. */
  readonly size: number;
}

function leaseFree(run: MutableRun, owner: string, now: number): boolean {
  return run.leaseOwner === undefined || run.leaseOwner === owner || run.leaseExpiresAt === undefined || run.leaseExpiresAt <= now;
}

function snapshotSummary(run: MutableRun): SagaSummary {
  return {
    sagaId: run.sagaId,
    sagaName: run.sagaName,
    status: run.status,
    version: run.version,
    leaseOwner: run.leaseOwner,
    leaseExpiresAt: run.leaseExpiresAt,
    deadlineAt: run.deadlineAt,
    failureJson: run.failureJson,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
  };
}

function snapshot(run: MutableRun): SagaRecord {
  return { ...snapshotSummary(run), inputJson: run.inputJson, checkpoints: run.checkpoints.map((c) => ({ ...c })) };
}

/**
 * Creates a {@link SagaStore} that keeps sagas in this process's memory: the embedded default for
 * unit tests and demos. It is not durable (a crash loses every saga) and not shared between
 * processes; use `createPostgresSagaStore` or `createPGliteSagaStore` from
 * `@iap/resilience/postgres` for that. Operations are atomic (single-threaded), with the same
 * fencing as the database stores.
 *
 * @example
 * ```ts
 * const store = createInMemorySagaStore();
 * const result = await saga.run(input, { sagaId: 'order-1', store });
 * ```
 */
export function createInMemorySagaStore(): InMemorySagaStore {
  const runs = new Map<string, MutableRun>();

  const store: InMemorySagaStore = {
    get size() {
      return runs.size;
    },

    create(input: SagaCreateInput): Promise<SagaCreateResult> {
      const existing = runs.get(input.sagaId);
      if (existing !== undefined) return Promise.resolve({ created: false, record: snapshot(existing) });
      const run: MutableRun = {
        sagaId: input.sagaId,
        sagaName: input.sagaName,
        status: 'running',
        inputJson: input.inputJson,
        version: 1,
        leaseOwner: input.owner,
        leaseExpiresAt: input.leaseExpiresAt,
        deadlineAt: input.deadlineAt,
        failureJson: undefined,
        createdAt: input.now,
        updatedAt: input.now,
        checkpoints: [],
      };
      runs.set(input.sagaId, run);
      return Promise.resolve({ created: true, record: snapshot(run) });
    },

    get(sagaId: string): Promise<SagaRecord | undefined> {
      const run = runs.get(sagaId);
      return Promise.resolve(run === undefined ? undefined : snapshot(run));
    },

    list(query: SagaListQuery = {}): Promise<SagaSummary[]> {
      const limit = query.limit ?? 100;
      const out = [...runs.values()]
        .filter((r) => (query.status === undefined || r.status === query.status) && (query.sagaName === undefined || r.sagaName === query.sagaName))
        .filter((r) => query.afterSagaId === undefined || r.sagaId > query.afterSagaId)
        .sort((a, b) => (a.sagaId < b.sagaId ? -1 : a.sagaId > b.sagaId ? 1 : 0))
        .slice(0, limit)
        .map(snapshotSummary);
      return Promise.resolve(out);
    },

    purge(input: SagaPurgeInput): Promise<number> {
      const doomed = [...runs.values()]
        .filter((r) => r.sagaName === input.sagaName && (input.statuses as readonly SagaStatus[]).includes(r.status) && r.updatedAt < input.updatedBefore)
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .slice(0, input.limit);
      for (const run of doomed) runs.delete(run.sagaId);
      return Promise.resolve(doomed.length);
    },

    acquire(sagaId: string, input: SagaAcquireInput): Promise<SagaAcquireResult> {
      const run = runs.get(sagaId);
      if (run === undefined || !input.statuses.includes(run.status) || !leaseFree(run, input.owner, input.now)) {
        return Promise.resolve({ acquired: false, record: run === undefined ? undefined : snapshot(run) });
      }
      run.leaseOwner = input.owner;
      run.leaseExpiresAt = input.leaseExpiresAt;
      run.version++;
      run.updatedAt = input.now;
      return Promise.resolve({ acquired: true, record: snapshot(run) });
    },

    claim(input: SagaClaimInput): Promise<SagaRecord[]> {
      const candidates = [...runs.values()]
        .filter((r) => r.sagaName === input.sagaName && isSagaActive(r.status) && (r.leaseExpiresAt === undefined || r.leaseOwner === undefined || r.leaseExpiresAt <= input.now))
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .slice(0, Math.max(0, input.limit));
      for (const run of candidates) {
        run.leaseOwner = input.owner;
        run.leaseExpiresAt = input.leaseExpiresAt;
        run.version++;
        run.updatedAt = input.now;
      }
      return Promise.resolve(candidates.map(snapshot));
    },

    checkpoint(sagaId: string, write: SagaCheckpointWrite): Promise<number> {
      const run = runs.get(sagaId);
      if (run === undefined) return Promise.reject(leaseLostError(sagaId, 'the saga no longer exists in the store'));
      if (run.version !== write.expectedVersion || run.leaseOwner !== write.owner) {
        return Promise.reject(leaseLostError(sagaId, `the stored version is ${run.version}, not ${write.expectedVersion}, or the lease changed hands`));
      }
      const lastSeq = run.checkpoints.length === 0 ? 0 : run.checkpoints[run.checkpoints.length - 1]!.seq;
      if (write.entries.some((e) => e.seq <= lastSeq)) return Promise.reject(leaseLostError(sagaId, 'a checkpoint with the same position exists'));
      for (const entry of write.entries) run.checkpoints.push({ ...entry, at: write.now });
      if (write.status !== undefined) run.status = write.status;
      if (write.failureJson !== undefined) run.failureJson = write.failureJson ?? undefined;
      if (write.leaseExpiresAt === null) {
        run.leaseOwner = undefined;
        run.leaseExpiresAt = undefined;
      } else run.leaseExpiresAt = write.leaseExpiresAt;
      run.version++;
      run.updatedAt = write.now;
      return Promise.resolve(run.version);
    },
  };
  return store;
}
