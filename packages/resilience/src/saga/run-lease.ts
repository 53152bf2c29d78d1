import { ErrorCode, hasErrorCode, IapError, type Clock, type TimerHandle } from '@iap/core';
import { asError, leaseLostError } from './saga-errors.js';
import type { SignalFanout } from './signal-fanout.js';
import { StopSource } from './stop-source.js';
import type { SagaStatus } from './saga-status.js';
import type { SagaCheckpointInput, SagaStore } from './saga-store.js';

/** @internal One fenced write through {@link RunLease.write}. */
export interface LeaseWrite {
  readonly entries: readonly SagaCheckpointInput[];
  readonly status?: SagaStatus;
  readonly failureJson?: string | null;
  /** Release the lease with this write (final statuses, or stopping). */
  readonly release?: boolean;
}

/**
 * @internal A worker's lease on one saga while it drives it: serialises the worker's writes (so
 * parallel steps never race on the version), fences each with owner and version, renews the lease
 * every `leaseMs / 3`, and aborts `signal` when the lease is lost, the caller's signal aborts or the
 * saga object is closed.
 */
export class RunLease {
  readonly #store: SagaStore;
  readonly #sagaId: string;
  readonly #owner: string;
  readonly #clock: Clock;
  readonly #leaseMs: number;
  readonly #stop = new StopSource();
  readonly #unlink: Array<() => void> = [];
  #version: number;
  #nextSeq: number;
  #leaseExpiresAt: number;
  #chain: Promise<void> = Promise.resolve();
  #broken: unknown;
  #released = false;
  #timer: TimerHandle | undefined;

  constructor(options: {
    store: SagaStore;
    sagaId: string;
    owner: string;
    clock: Clock;
    leaseMs: number;
    version: number;
    lastSeq: number;
    leaseExpiresAt: number;
    signals: ReadonlyArray<{ signal: AbortSignal; reason: () => unknown }>;
    fanout: SignalFanout;
  }) {
    this.#store = options.store;
    this.#sagaId = options.sagaId;
    this.#owner = options.owner;
    this.#clock = options.clock;
    this.#leaseMs = options.leaseMs;
    this.#version = options.version;
    this.#nextSeq = options.lastSeq + 1;
    this.#leaseExpiresAt = options.leaseExpiresAt;
    for (const { signal, reason } of options.signals) {
      this.#unlink.push(options.fanout.subscribe(signal, () => this.#stop.stop(reason())));
    }
    this.#scheduleRenewal();
  }

  /** Stops when the run must stop; `reason` says why (ABORTED, CLOSED, LEASE_LOST or a store failure). */
  get stop(): StopSource {
    return this.#stop;
  }

  /** Throws the stop reason when the run must stop, or `LEASE_LOST` when the lease ran out unrenewed. */
  throwIfStopped(): void {
    if (this.#stop.stopped) throw asError(this.#stop.reason);
    if (this.#clock.now() >= this.#leaseExpiresAt) this.#lose(leaseLostError(this.#sagaId, 'the lease expired before it could be renewed'));
  }

  /**
   * Appends entries and applies status, failure and release in one fenced write, after every write
   * queued before it. After a failed write every later write fails too, so the log never has a gap.
   */
  /** Reserves the next log position; pass entries with it to {@link RunLease.write} in the same tick. */
  nextSeq(): number {
    return this.#nextSeq++;
  }

  write(write: LeaseWrite): Promise<void> {
    const entries = write.entries;
    const run = async (): Promise<void> => {
      if (this.#broken !== undefined) throw asError(this.#broken);
      if (this.#released) throw leaseLostError(this.#sagaId, 'the lease was already released');
      const now = this.#clock.now();
      const leaseExpiresAt = write.release === true ? null : now + this.#leaseMs;
      try {
        this.#version = await this.#store.checkpoint(this.#sagaId, {
          owner: this.#owner,
          expectedVersion: this.#version,
          now,
          entries,
          leaseExpiresAt,
          ...(write.status === undefined ? {} : { status: write.status }),
          ...(write.failureJson === undefined ? {} : { failureJson: write.failureJson }),
        });
      } catch (error) {
        // a failed write leaves the stored state unknown: stop driving this saga (another worker
        // resumes it from the log once the lease expires)
        this.#broken = error;
        this.#safeLose(error);
        throw error;
      }
      if (leaseExpiresAt === null) {
        this.#released = true;
        this.stopRenewing();
      } else this.#leaseExpiresAt = leaseExpiresAt;
    };
    const result = this.#chain.then(run);
    this.#chain = result.catch(() => undefined);
    return result;
  }

  /** Releases the lease (best effort) so another worker can take over at once. */
  async release(): Promise<void> {
    if (this.#released || this.#broken !== undefined) return;
    await this.write({ entries: [], release: true }).catch(() => undefined);
  }

  /** Stops renewing and unlinks the signals. Idempotent. */
  stopRenewing(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const unlink of this.#unlink.splice(0)) unlink();
  }

  #lose(error: unknown): never {
    this.#stop.stop(error);
    this.stopRenewing();
    throw asError(this.#stop.reason);
  }

  #scheduleRenewal(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#released || this.#broken !== undefined || this.#stop.stopped) return;
      void this.#renew();
    }, Math.max(1, Math.floor(this.#leaseMs / 3)));
  }

  async #renew(): Promise<void> {
    const now = this.#clock.now();
    try {
      await this.#queueRenewal(now);
    } catch (error) {
      if (hasErrorCode(error, ErrorCode.LEASE_LOST)) {
        this.#broken = error;
        this.#safeLose(error);
        return;
      }
      // a transient store failure: keep the lease until it runs out, try again at the next tick
      if (this.#clock.now() >= this.#leaseExpiresAt) {
        this.#safeLose(new IapError(ErrorCode.LEASE_LOST, `saga ${this.#sagaId}: the lease could not be renewed before it expired; stopping`, { cause: error }));
        return;
      }
    }
    if (!this.#released && this.#broken === undefined && !this.#stop.stopped) this.#scheduleRenewal();
  }

  /** A renewal goes through the same queue as the checkpoints but does not break it on a transient failure. */
  #queueRenewal(now: number): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#broken !== undefined) throw asError(this.#broken);
      if (this.#released) return;
      this.#version = await this.#store.checkpoint(this.#sagaId, {
        owner: this.#owner,
        expectedVersion: this.#version,
        now,
        entries: [],
        leaseExpiresAt: now + this.#leaseMs,
      });
      this.#leaseExpiresAt = now + this.#leaseMs;
    };
    const result = this.#chain.then(run);
    this.#chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  #safeLose(error: unknown): void {
    try {
      this.#lose(error);
    } catch {
      // #lose throws for synchronous callers; the heartbeat only needs the abort
    }
  }
}
