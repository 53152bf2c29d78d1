/**
 * Where a relay's batches come from: one claim statement per call, which also acknowledges fully
 * published batches by lease token. A started relay claims ahead: while the backlog is deep (the last
 * claim came back with full batches), a claim asks for up to `aheadBatches` batches (about
 * AHEAD_ROWS rows, at most `maxBatchesInFlight`), one lease per batch; the claiming slot publishes
 * the first and the others wait in `ready` for the next free slot. A slot that takes a ready batch
 * leaves the acknowledgement of its previous batch to the next claim statement (`pendingAcks`). So
 * small batches need fewer round trips to PostgreSQL than batches, while every slot still claims on
 * its own connection (a claim that never answers stalls one slot, not the relay). The lease keeper
 * renews the leases of the waiting batches (see docs/decisions/0006-claiming-ahead.md).
 */
import { compareRowIds, decodeClaimedRow, idArrayLiteral, type ClaimedRow } from '../internal/claimed-row.js';
import { storeFailed } from '../internal/database-error.js';
import { readCount, readString } from '../internal/rows.js';
import { completeBatch, observePublished } from './batch-metrics.js';
import { acknowledgeAlone } from './record-outcomes.js';
import { releasedBatch, type ClaimedBatch, type PublishedBatch } from './relay-batch.js';
import type { RelayContext } from './relay-context.js';

const AHEAD_ROWS = 500;

/** What the batch source needs besides the relay's context. */
export interface BatchSourceContext {
  readonly relay: RelayContext;
  /** Arms the lease keeper: a batch is now held (waiting or waiting for its acknowledgement). */
  readonly keepLeases: () => void;
  /** Wakes the idle slots (batches claimed ahead are ready for them). */
  readonly wake: () => void;
}

/** A claim statement's answer: acknowledged counts by lease token, and the claimed rows by lease token. */
interface ClaimAnswer {
  readonly acked: Map<string, number>;
  readonly batches: Map<string, ClaimedRow[]>;
}

/** Rows without an id answer an acknowledgement (`acked` for its lease token); the others are claimed rows, a lease token per batch. */
function readClaimAnswer(rows: readonly unknown[]): ClaimAnswer {
  const answer: ClaimAnswer = { acked: new Map(), batches: new Map() };
  for (const row of rows) {
    const leaseToken = readString(row, 'lease_token') ?? '0';
    if (readString(row, 'id') === undefined) {
      answer.acked.set(leaseToken, readCount(row, 'acked'));
      continue;
    }
    let batch = answer.batches.get(leaseToken);
    if (batch === undefined) {
      batch = [];
      answer.batches.set(leaseToken, batch);
    }
    batch.push(decodeClaimedRow(row));
  }
  return answer;
}

/** The claimed batches of one relay, claimed ahead while the backlog is deep. */
export class BatchSource {
  readonly #ctx: BatchSourceContext;
  readonly #aheadBatches: number;
  /** Batches claimed ahead, waiting for a free slot. */
  readonly #ready: ClaimedBatch[] = [];
  /** Fully published batches whose acknowledgement rides on the next claim statement. */
  readonly #pendingAcks: PublishedBatch[] = [];
  #backlogDeep = false;
  /**
   * Batches that claim statements under way asked for beyond the one each claiming slot publishes:
   * with `ready`, at most `aheadBatches - 1` batches are claimed ahead at any time.
   */
  #aheadInFlight = 0;

  constructor(ctx: BatchSourceContext) {
    this.#ctx = ctx;
    const { maxBatchesInFlight, batchSize } = ctx.relay.options;
    this.#aheadBatches = Math.max(1, Math.min(maxBatchesInFlight, Math.floor(AHEAD_ROWS / batchSize)));
  }

  /** How many batches claimed ahead wait for a slot. */
  get readyCount(): number {
    return this.#ready.length;
  }

  /** Lease tokens of the batches held here: waiting for a slot, or waiting for their acknowledgement. */
  heldLeaseTokens(): string[] {
    return [...this.#ready.map((batch) => batch.leaseToken), ...this.#pendingAcks.map((batch) => batch.leaseToken)];
  }

  /** Lease tokens of the published batches waiting for their acknowledgement. */
  pendingAckTokens(): string[] {
    return this.#pendingAcks.map((batch) => batch.leaseToken);
  }

  /** Removes and returns the ready batches whose lease was renewed for `held` but not `found` (another relay took it over). */
  takeLostReady(held: readonly string[], found: ReadonlySet<string>): ClaimedBatch[] {
    const lost: ClaimedBatch[] = [];
    for (let i = this.#ready.length - 1; i >= 0; i--) {
      const batch = this.#ready[i]!;
      if (!held.includes(batch.leaseToken) || found.has(batch.leaseToken)) continue;
      this.#ready.splice(i, 1);
      lost.push(batch);
    }
    return lost;
  }

  /**
   * The next batch to publish, `undefined` when nothing was available. `previous` (a batch whose
   * messages were all published) is acknowledged on the way: in the claim statement, or, when the
   * batch comes from `ready`, in the next one (`ahead`: a started relay's slot).
   */
  async next(previous: PublishedBatch | undefined, ahead: boolean): Promise<ClaimedBatch | undefined> {
    if (!ahead) {
      const [batch] = await this.#claim(previous === undefined ? [] : [previous], 1);
      return batch;
    }
    if (previous !== undefined) {
      this.#pendingAcks.push(previous);
      this.#ctx.keepLeases();
    }
    const waiting = this.#ready.shift();
    if (waiting !== undefined) return waiting;
    const want = this.#backlogDeep ? Math.max(1, this.#aheadBatches - this.#aheadInFlight) : 1;
    this.#aheadInFlight += want - 1;
    let claimed: ClaimedBatch[];
    try {
      claimed = await this.#claim(this.#pendingAcks.splice(0), want);
    } finally {
      this.#aheadInFlight -= want - 1;
    }
    const { batchSize } = this.#ctx.relay.options;
    this.#backlogDeep = claimed.length === want && claimed.every((batch) => batch.batch.length === batchSize);
    const [mine, ...rest] = claimed;
    if (rest.length > 0) {
      this.#ready.push(...rest);
      this.#ctx.keepLeases();
      // idle slots take them now, not after this slot's publish
      this.#ctx.wake();
    }
    return mine;
  }

  /**
   * After every slot stopped: acknowledges the published batches whose acknowledgement was left to a
   * next claim, and hands back the batches claimed ahead (not attempts).
   */
  async settle(): Promise<void> {
    const ctx = this.#ctx.relay;
    for (const batch of this.#pendingAcks.splice(0)) await acknowledgeAlone(ctx, batch);
    for (const batch of this.#ready.splice(0)) await acknowledgeAlone(ctx, releasedBatch(batch));
  }

  /**
   * One claim statement: acknowledges `acks` (fully published batches, by lease token) and completes
   * them (counts and the `batch` event), then leases up to `want` batches, oldest first.
   */
  async #claim(acks: readonly PublishedBatch[], want: number): Promise<ClaimedBatch[]> {
    const ctx = this.#ctx.relay;
    const o = ctx.options;
    const started = o.clock.now();
    let rows: readonly unknown[];
    try {
      const tokens = acks.length === 0 ? null : idArrayLiteral(acks.map((batch) => batch.leaseToken));
      rows = (await ctx.run(o.outbox.keepPublishedForMs > 0 ? ctx.sql.claimBatchesKeep : ctx.sql.claimBatches, [started, o.batchSize, want, o.relayId, o.leaseMs, tokens])).rows;
    } catch (error) {
      // the statement failed as a whole (nothing of it committed): acknowledge the batches on their
      // own, then report the round as failed. (Only a connection lost after the server committed
      // leaves this unknown; the separate acknowledgement then finds the rows gone and reports them
      // as lease lost.)
      for (const batch of acks) await acknowledgeAlone(ctx, batch);
      throw storeFailed(`${acks.length > 0 ? 'acknowledging published messages and ' : ''}claiming a batch from ${o.outbox.names.outboxLabel}`, error);
    }
    const { acked, batches } = readClaimAnswer(rows);
    for (const batch of acks) {
      observePublished(ctx, batch.outcomes, started);
      ctx.retryDelays.forgetFinished(batch.outcomes);
      completeBatch(ctx, batch, { published: batch.claimed, retried: 0, dead: 0, lost: batch.claimed - (acked.get(batch.leaseToken) ?? 0), released: 0 });
    }
    // batches in id order: the oldest messages are published first
    const claimed = [...batches].map(([leaseToken, batch]): ClaimedBatch => ({ started, leaseToken, batch: batch.sort(compareRowIds) }));
    claimed.sort((a, b) => compareRowIds(a.batch[0]!, b.batch[0]!));
    for (const batch of claimed) ctx.count('iap.outbox.relay.claimed', batch.batch.length);
    return claimed;
  }
}
