import {
  ErrorCode,
  IapError,
  TypedEmitter,
  computeRetryDelay,
  holdProcessOpen,
  toIapError,
  type Listener,
  type PublishMessage,
  type PublishResult,
  type TimerHandle,
} from '@iap/core';
import { storeFailed } from './internal/database-error.js';
import { compareRowIds, decodeClaimedRow, idArrayLiteral, toPublishMessage, type Claimed, type ClaimedRow } from './internal/claimed-row.js';
import { readCount, readString } from './internal/rows.js';
import type { RelayBatchResult, RelayEvents } from './relay-events.js';
import { resolveRelayOptions, type RelayOptions } from './relay-options.js';

/**
 * Options for {@link Relay.stop}.
 * @example
 * ```ts
 * process.once('SIGTERM', () => void relay.stop({ timeoutMs: 5_000 }));
 * ```
 */
export interface RelayStopOptions {
  /**
   * How long to let the in-flight batches finish; then their publish is aborted and their unconfirmed
   * messages are released for another relay. @defaultValue `10_000`
   */
  timeoutMs?: number;
}

/**
 * Publishes outbox messages: claims a batch (one short statement, leased under a fencing token),
 * publishes it outside any transaction, acknowledges it in one statement that only succeeds for the
 * current lease holder. Run as many as you like, in one process or many.
 * @example
 * ```ts
 * relay.start();
 * const off = relay.on('deadLettered', (e) => logger.warn({ id: e.id, reason: e.reason }, 'dead letter'));
 * // later
 * off();
 * await relay.stop();
 * ```
 */
export interface Relay {
  /** This relay's id (the `claimed_by` value of its leases). */
  readonly id: string;
  /** True between `start()` and `stop()`. */
  readonly running: boolean;
  /**
   * Starts the loop: claims while there is work, otherwise waits for an in-process wake-up, a
   * NOTIFY, or the adaptive backup poll. Idempotent.
   * @throws IapError `CLOSED` after `stop()`.
   */
  start(): void;
  /**
   * Runs one claim → publish → acknowledge round now (calls of `runOnce` run one at a time; a
   * started loop keeps running beside them, like another relay). For tests, scripts
   * and benchmarks; a started relay needs no help.
   * @throws IapError `CLOSED` after `stop()`; `STORE_FAILED` when the database fails.
   */
  runOnce(): Promise<RelayBatchResult>;
  /** Stops gracefully: finishes (or after `timeoutMs` releases) the in-flight batches, unlistens, clears timers. */
  stop(options?: RelayStopOptions): Promise<void>;
  /** Same as `stop()` with defaults. Does not close the publisher or the database. */
  close(): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof RelayEvents>(event: K, listener: Listener<RelayEvents[K]>): () => void;
  off<K extends keyof RelayEvents>(event: K, listener: Listener<RelayEvents[K]>): void;
}


interface Outcome {
  readonly claimed: Claimed;
  /** undefined = published; otherwise why it failed and whether it is dead. */
  readonly failure?: { readonly error: IapError; readonly dead: boolean; readonly delayMs: number; readonly reason: string };
  /** Hand back without counting the attempt (stop, publisher unusable). */
  readonly release?: boolean;
}

/** What recording a batch's outcomes did. */
interface RecordedOutcomes {
  readonly published: number;
  readonly retried: number;
  readonly dead: number;
  readonly lost: number;
  readonly released: number;
}

const MAX_ERROR_TEXT = 2000;

function errorText(error: IapError): string {
  const text = `${error.code}: ${error.message}`;
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

/**
 * Creates an outbox relay. Call `start()` to run it; `stop()` to finish gracefully.
 *
 * Guarantees: at-least-once publishing (a crash between publish and acknowledge re-publishes the
 * batch, so consumers deduplicate, e.g. with the inbox); at most one in-flight message per
 * partition key across all relays, published in commit order; a failing message blocks only its
 * key, with backoff and jitter, until it is dead-lettered; no transaction is held open while
 * publishing.
 *
 * @throws IapError `INVALID_OPTIONS` naming the bad option (including an invalid `retry` policy).
 * @example
 * ```ts
 * const relay = createRelay({ database: db, outbox, publisher: transport.publisher });
 * relay.on('deadLettered', (e) => logger.warn({ id: e.id, reason: e.reason }, 'outbox dead letter'));
 * relay.start();
 * // on shutdown
 * await relay.stop();
 * ```
 */
export function createRelay(options: RelayOptions): Relay {
  const o = resolveRelayOptions(options);
  const { database, publisher, clock, telemetry } = o;
  const sql = o.outbox.sql;
  const events = new TypedEmitter<RelayEvents>({
    onListenerError: (error, event) => o.logger.error({ event, error: toIapError(error).toJSON() }, 'a relay event listener threw'),
  });

  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let chain: Promise<unknown> = Promise.resolve();
  const inFlightAborts = new Set<AbortController>();
  let stopRequested = false;
  let wakeGeneration = 0;
  const waiters = new Set<() => void>();
  let loopsPromise: Promise<unknown> | undefined;
  let unlisten: Promise<(() => Promise<void>) | undefined> | undefined;
  let metricsTimer: TimerHandle | undefined;
  let keeperTimer: TimerHandle | undefined;
  /** Lease tokens of the batches being published (the lease keeper renews them). */
  const publishing = new Set<string>();
  let cleanupTimer: TimerHandle | undefined;
  let releaseProcess: (() => void) | undefined;

  const count = (name: string, value: number): void => {
    if (value > 0) telemetry.counter?.(name, value, { relay: o.relayId });
  };

  const wake = (): void => {
    wakeGeneration++;
    for (const waiter of [...waiters]) waiter();
  };

  /** The relay's statements have fixed texts: prepared once per connection where the database can. */
  const run = (text: string, params: unknown[]) => (database.queryPrepared === undefined ? database.query(text, params) : database.queryPrepared(text, params));

  async function exec(what: string, text: string, params: unknown[]): Promise<number> {
    try {
      const result = await run(text, params);
      return readCount(result.rows[0], 'n');
    } catch (error) {
      throw storeFailed(`${what} on ${o.outbox.names.outboxLabel}`, error);
    }
  }

  function decideFailure(claimed: Claimed, error: IapError, retryable: boolean): Outcome {
    const attempt = claimed.ref.attempt;
    if (!retryable) return { claimed, failure: { error, dead: true, delayMs: 0, reason: `non-retryable failure after ${attempt} attempt(s): ${errorText(error)}` } };
    const decision = computeRetryDelay(o.retry, { attempt, retryAfterMs: error.retryAfterMs, random: o.random });
    if (!decision.retry) return { claimed, failure: { error, dead: true, delayMs: 0, reason: `gave up after ${attempt} attempt(s) (${decision.reason}): ${errorText(error)}` } };
    return { claimed, failure: { error, dead: false, delayMs: decision.delayMs, reason: errorText(error) } };
  }

  async function publishBatch(batch: readonly ClaimedRow[], leaseToken: string): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const toPublish: Claimed[] = [];
    const messages: PublishMessage[] = [];
    for (const claimedRow of batch) {
      const { claimed } = claimedRow;
      if (claimed.unfinishedClaims > 0) {
        const dead = claimed.unfinishedClaims >= o.crashLoopThreshold;
        count('iap.outbox.relay.crash_loops', 1);
        events.emit('crashLoop', { ...claimed.ref, unfinishedClaims: claimed.unfinishedClaims, deadLettered: dead });
        if (dead) {
          const error = new IapError(ErrorCode.PUBLISH_FAILED, `crash loop: claimed ${claimed.unfinishedClaims + 1} times in a row without an outcome (the relay holding it crashed or hung each time)`);
          outcomes.push({ claimed, failure: { error, dead: true, delayMs: 0, reason: errorText(error) } });
          continue;
        }
      }
      let message: PublishMessage;
      try {
        message = toPublishMessage(claimedRow);
      } catch (cause) {
        const error = new IapError(ErrorCode.MESSAGE_DECODE, `the stored envelope of outbox row ${claimed.ref.id} is not a valid envelope (${toIapError(cause).message})`, { cause });
        outcomes.push({ claimed, failure: { error, dead: true, delayMs: 0, reason: errorText(error) } });
        continue;
      }
      toPublish.push(claimed);
      messages.push(message);
    }
    if (messages.length === 0) return outcomes;

    const abort = new AbortController();
    inFlightAborts.add(abort);
    publishing.add(leaseToken);
    keepLeases();
    let timeoutTimer: TimerHandle | undefined;
    const started = clock.now();
    let results: PublishResult[] | undefined;
    let thrown: IapError | undefined;
    try {
      const timeout = new Promise<'timeout'>((resolve) => {
        timeoutTimer = clock.setTimeout(() => resolve('timeout'), o.publishTimeoutMs);
      });
      const stopped = new Promise<'stopped'>((resolve) => abort.signal.addEventListener('abort', () => resolve('stopped'), { once: true }));
      const outcome = await Promise.race([publisher.publish(messages, { signal: abort.signal }), timeout, stopped]);
      if (outcome === 'stopped') {
        // stop() gave up waiting: the outcome is unknown, so the messages go back (a duplicate at worst)
        thrown = new IapError(ErrorCode.ABORTED, 'the relay was stopped while publishing', { retryable: true });
      } else if (outcome === 'timeout') {
        abort.abort();
        thrown = new IapError(ErrorCode.TIMEOUT, `the publisher did not answer within publishTimeoutMs (${o.publishTimeoutMs} ms)`, { retryable: true });
      } else results = outcome;
    } catch (error) {
      thrown = toIapError(error, ErrorCode.PUBLISH_FAILED);
    } finally {
      publishing.delete(leaseToken);
      if (timeoutTimer !== undefined) clock.clearTimeout(timeoutTimer);
      inFlightAborts.delete(abort);
    }
    telemetry.histogram?.('iap.outbox.relay.publish.duration_ms', clock.now() - started, { relay: o.relayId });

    if (results === undefined) {
      // a timeout counts as an attempt; a throwing publisher is unusable (closed, misconfigured):
      // hand the batch back without spending the messages' attempts
      const error = thrown ?? new IapError(ErrorCode.PUBLISH_FAILED, 'the publisher returned no results');
      if (error.code === ErrorCode.ABORTED) for (const claimed of toPublish) outcomes.push({ claimed, release: true });
      else if (error.code !== ErrorCode.TIMEOUT) {
        events.emit('error', { error });
        for (const claimed of toPublish) outcomes.push({ claimed, release: true });
      } else for (const claimed of toPublish) outcomes.push(decideFailure(claimed, error, true));
      return outcomes;
    }
    toPublish.forEach((claimed, index) => {
      const result = results[index];
      if (result !== undefined && result.id === claimed.ref.messageId && result.ok) outcomes.push({ claimed });
      else if (stopRequested && abort.signal.aborted) outcomes.push({ claimed, release: true });
      else if (result !== undefined && result.id === claimed.ref.messageId && !result.ok) outcomes.push(decideFailure(claimed, result.error, result.retryable));
      else {
        const error = new IapError(ErrorCode.PUBLISH_FAILED, `the publisher returned no result for message ${claimed.ref.messageId} (results must be in input order, one per message)`, { retryable: true });
        outcomes.push(decideFailure(claimed, error, true));
      }
    });
    return outcomes;
  }

  /** Latency and attempt histograms of acknowledged messages. */
  function observePublished(outcomes: readonly Outcome[], now: number): void {
    if (!telemetry.histogram) return;
    for (const outcome of outcomes) {
      if (outcome.failure || outcome.release) continue;
      telemetry.histogram('iap.outbox.relay.delivery_latency_ms', Math.max(0, now - outcome.claimed.createdAtMs), { relay: o.relayId });
      telemetry.histogram('iap.outbox.relay.attempts', outcome.claimed.ref.attempt, { relay: o.relayId, outcome: 'published' });
    }
  }

  async function record(outcomes: readonly Outcome[], leaseToken: string): Promise<RecordedOutcomes> {
    const now = clock.now();
    const okIds: string[] = [];
    const failed: Outcome[] = [];
    const released: string[] = [];
    for (const outcome of outcomes) {
      if (outcome.release) released.push(outcome.claimed.ref.id);
      else if (outcome.failure) failed.push(outcome);
      else okIds.push(outcome.claimed.ref.id);
    }
    // each statement is fenced by the batch's lease. A fully published batch is acknowledged and its
    // lease ended in one statement; otherwise each statement removes its rows from the lease
    // (published first, so a later failure cannot cost them a second publish), and endLease follows
    const whole = okIds.length === outcomes.length;
    let lost = 0;
    if (okIds.length > 0) {
      const ids = idArrayLiteral(okIds);
      const keep = o.outbox.keepPublishedForMs > 0;
      const text = keep ? (whole ? sql.ackKeep : sql.ackKeepPart) : whole ? sql.ackDelete : sql.ackDeletePart;
      const acked = await exec('acknowledging published messages', text, keep ? [ids, leaseToken, now] : [ids, leaseToken]);
      lost += okIds.length - acked;
      observePublished(outcomes, now);
    }
    if (failed.length > 0) {
      const recorded = await exec('recording failed publishes', sql.fail, [
        failed.map((f) => f.claimed.ref.id),
        failed.map((f) => f.failure!.delayMs),
        failed.map((f) => f.failure!.dead),
        failed.map((f) => f.failure!.reason),
        leaseToken,
        now,
      ]);
      lost += failed.length - recorded;
      if (recorded === failed.length) {
        for (const f of failed) {
          const failure = f.failure!;
          if (failure.dead) {
            events.emit('deadLettered', { ...f.claimed.ref, reason: failure.reason });
            telemetry.histogram?.('iap.outbox.relay.attempts', f.claimed.ref.attempt, { relay: o.relayId, outcome: 'dead_lettered' });
          } else events.emit('retry', { ...f.claimed.ref, error: failure.error, retryInMs: failure.delayMs });
        }
      }
    }
    let releasedCount = 0;
    if (released.length > 0) releasedCount = await exec('releasing claimed messages', sql.release, [idArrayLiteral(released), leaseToken]);
    if (!whole) await exec('ending a lease', sql.endLease, [leaseToken]);
    const dead = failed.filter((f) => f.failure!.dead).length;
    return { published: okIds.length, retried: failed.length - dead, dead, lost, released: releasedCount };
  }

  /** A claimed batch, not yet published. */
  interface ClaimedBatch {
    /** When it was claimed. */
    readonly started: number;
    readonly leaseToken: string;
    readonly batch: readonly ClaimedRow[];
  }

  /** A batch that was claimed and published (or handed back), waiting for its outcomes to be recorded. */
  interface PublishedBatch {
    readonly started: number;
    readonly leaseToken: string;
    readonly claimed: number;
    readonly outcomes: readonly Outcome[];
  }

  const EMPTY_RESULT: RelayBatchResult = { claimed: 0, published: 0, retried: 0, deadLettered: 0, leaseLost: 0, released: 0 };

  const isClaimedRow = (row: unknown): boolean => readString(row, 'id') !== undefined;

  /** Whether every message of the batch was published (its recording is one acknowledgement). */
  const allPublished = (batch: PublishedBatch): boolean => batch.outcomes.length === batch.claimed && batch.outcomes.every((outcome) => !outcome.failure && !outcome.release);

  /**
   * Claiming ahead (started relays only). While the backlog is deep (the last claim came back with
   * full batches), a claim statement asks for up to `aheadBatches` batches (about AHEAD_ROWS rows, at
   * most `maxBatchesInFlight`), one lease per batch; the claiming slot publishes the first and the
   * others wait in `ready` for the next free slot. A slot that takes a ready batch leaves the
   * acknowledgement of its previous batch to the next claim statement (`pendingAcks`). So small
   * batches need fewer round trips to PostgreSQL than batches, while every slot still claims on its
   * own connection (a claim that never answers stalls one slot, not the relay). The waiting batches'
   * leases are kept by `keepLeases`.
   */
  const AHEAD_ROWS = 500;
  const aheadBatches = Math.max(1, Math.min(o.maxBatchesInFlight, Math.floor(AHEAD_ROWS / o.batchSize)));
  const ready: ClaimedBatch[] = [];
  const pendingAcks: PublishedBatch[] = [];
  let backlogDeep = false;
  /**
   * Batches that claim statements under way asked for beyond the one each claiming slot publishes:
   * with `ready`, at most `aheadBatches - 1` batches are claimed ahead at any time.
   */
  let aheadInFlight = 0;

  /**
   * One claim statement: acknowledges `acks` (fully published batches, by lease token) and completes
   * them (counts and the `batch` event), then leases up to `want` batches, oldest first.
   */
  async function claimBatches(acks: readonly PublishedBatch[], want: number): Promise<ClaimedBatch[]> {
    const started = clock.now();
    let rows: readonly unknown[];
    try {
      const tokens = acks.length === 0 ? null : idArrayLiteral(acks.map((batch) => batch.leaseToken));
      rows = (await run(o.outbox.keepPublishedForMs > 0 ? sql.claimBatchesKeep : sql.claimBatches, [started, o.batchSize, want, o.relayId, o.leaseMs, tokens])).rows;
    } catch (error) {
      // the statement failed as a whole (nothing of it committed): acknowledge the batches on their
      // own, then report the round as failed. (Only a connection lost after the server committed
      // leaves this unknown; the separate acknowledgement then finds the rows gone and reports them
      // as lease lost.)
      for (const batch of acks) await acknowledgeAlone(batch);
      throw storeFailed(`${acks.length > 0 ? 'acknowledging published messages and ' : ''}claiming a batch from ${o.outbox.names.outboxLabel}`, error);
    }
    // rows without an id answer an acknowledgement (`acked` for its lease token); the others are
    // claimed rows, a lease token per batch
    const acked = new Map<string, number>();
    const batches = new Map<string, ClaimedRow[]>();
    for (const row of rows) {
      const leaseToken = readString(row, 'lease_token') ?? '0';
      if (!isClaimedRow(row)) {
        acked.set(leaseToken, readCount(row, 'acked'));
        continue;
      }
      let batch = batches.get(leaseToken);
      if (batch === undefined) {
        batch = [];
        batches.set(leaseToken, batch);
      }
      batch.push(decodeClaimedRow(row));
    }
    for (const batch of acks) {
      observePublished(batch.outcomes, started);
      completeBatch(batch, { published: batch.claimed, retried: 0, dead: 0, lost: batch.claimed - (acked.get(batch.leaseToken) ?? 0), released: 0 });
    }
    // batches in id order: the oldest messages are published first
    const claimed = [...batches].map(([leaseToken, batch]): ClaimedBatch => ({ started, leaseToken, batch: batch.sort(compareRowIds) }));
    claimed.sort((a, b) => compareRowIds(a.batch[0]!, b.batch[0]!));
    for (const batch of claimed) count('iap.outbox.relay.claimed', batch.batch.length);
    return claimed;
  }

  /**
   * The next batch to publish, `undefined` when nothing was available. `previous` (a batch whose
   * messages were all published) is acknowledged on the way: in the claim statement, or, when the
   * batch comes from `ready`, in the next one (`ahead`: a started relay's slot).
   */
  async function nextBatch(previous: PublishedBatch | undefined, ahead: boolean): Promise<ClaimedBatch | undefined> {
    if (!ahead) {
      const [batch] = await claimBatches(previous === undefined ? [] : [previous], 1);
      return batch;
    }
    if (previous !== undefined) {
      pendingAcks.push(previous);
      keepLeases();
    }
    const waiting = ready.shift();
    if (waiting !== undefined) return waiting;
    const want = backlogDeep ? Math.max(1, aheadBatches - aheadInFlight) : 1;
    aheadInFlight += want - 1;
    let claimed: ClaimedBatch[];
    try {
      claimed = await claimBatches(pendingAcks.splice(0), want);
    } finally {
      aheadInFlight -= want - 1;
    }
    backlogDeep = claimed.length === want && claimed.every((batch) => batch.batch.length === o.batchSize);
    const [mine, ...rest] = claimed;
    if (rest.length > 0) {
      ready.push(...rest);
      keepLeases();
      // idle slots take them now, not after this slot's publish
      wake();
    }
    return mine;
  }

  /** Claims a batch and publishes it (or hands it back when the relay is stopping); `undefined` when nothing was available. */
  async function claimAndPublish(previous: PublishedBatch | undefined, ahead: boolean): Promise<PublishedBatch | undefined> {
    const claimed = await nextBatch(previous, ahead);
    if (claimed === undefined) return undefined;
    const { started, leaseToken, batch } = claimed;
    // outcomes keep only the rows' bookkeeping: the payloads are not held until the acknowledgement
    const outcomes = stopRequested ? batch.map(({ claimed }): Outcome => ({ claimed, release: true })) : await publishBatch(batch, leaseToken);
    return { started, leaseToken, claimed: batch.length, outcomes };
  }

  /**
   * After every slot stopped: acknowledges the published batches whose acknowledgement was left to a
   * next claim, and hands back the batches claimed ahead (not attempts).
   */
  async function settleAhead(): Promise<void> {
    for (const batch of pendingAcks.splice(0)) await acknowledgeAlone(batch);
    for (const { started, leaseToken, batch } of ready.splice(0)) {
      await acknowledgeAlone({ started, leaseToken, claimed: batch.length, outcomes: batch.map(({ claimed }): Outcome => ({ claimed, release: true })) });
    }
  }

  /**
   * The lease keeper: every third of `leaseMs`, while the relay holds any batch (being published,
   * waiting in `ready`, or published and waiting for the next claim to acknowledge it), one statement
   * renews all their leases, so none runs out while a slow publisher holds every slot, or while the
   * relay stops. A ready batch whose lease is gone (another relay took it over) is dropped and counted
   * as lost, never published; a published or publishing one reports `leaseLost` when recorded. Arms
   * itself when a batch is held and stops when none is.
   */
  function keepLeases(): void {
    if (keeperTimer !== undefined || state === 'stopped' || (publishing.size === 0 && ready.length === 0 && pendingAcks.length === 0)) return;
    keeperTimer = clock.setTimeout(() => {
      const held = [...publishing, ...ready.map((batch) => batch.leaseToken), ...pendingAcks.map((batch) => batch.leaseToken)];
      if (held.length === 0) {
        keeperTimer = undefined;
        return;
      }
      run(sql.renew, [idArrayLiteral(held), clock.now(), o.leaseMs])
        .then((result) => {
          const found = new Set(readString(result.rows[0], 'tokens')?.split(',') ?? []);
          let lost = 0;
          for (let i = ready.length - 1; i >= 0; i--) {
            const batch = ready[i]!;
            if (!held.includes(batch.leaseToken) || found.has(batch.leaseToken)) continue;
            ready.splice(i, 1);
            lost++;
            completeBatch({ started: batch.started, leaseToken: batch.leaseToken, claimed: batch.batch.length, outcomes: [] }, { published: 0, retried: 0, dead: 0, lost: batch.batch.length, released: 0 });
          }
          for (const token of [...publishing, ...pendingAcks.map((batch) => batch.leaseToken)]) if (held.includes(token) && !found.has(token)) lost++;
          if (lost > 0) o.logger.warn({ relay: o.relayId, lost }, 'outbox leases lost while their batches were published or waited (they ran out and another relay took them over)');
        })
        .catch((error: unknown) => o.logger.warn({ relay: o.relayId, error: toIapError(error).toJSON() }, 'renewing the outbox leases failed'))
        .finally(() => {
          keeperTimer = undefined;
          keepLeases();
        });
    }, Math.max(1, Math.floor(o.leaseMs / 3)));
  }

  /** Counts, events and the result of a batch whose outcomes are recorded. */
  function completeBatch(published: PublishedBatch, recorded: RecordedOutcomes): RelayBatchResult {
    const { leaseToken } = published;
    count('iap.outbox.relay.published', recorded.published);
    count('iap.outbox.relay.retried', recorded.retried);
    count('iap.outbox.relay.dead_lettered', recorded.dead);
    count('iap.outbox.relay.lease_lost', recorded.lost);
    if (recorded.lost > 0) events.emit('leaseLost', { count: recorded.lost, leaseToken });
    const result: RelayBatchResult = {
      claimed: published.claimed,
      published: recorded.published,
      retried: recorded.retried,
      deadLettered: recorded.dead,
      leaseLost: recorded.lost,
      released: recorded.released,
    };
    events.emit('batch', { ...result, durationMs: clock.now() - published.started });
    return result;
  }

  /** Records a published batch's outcomes under its lease (acknowledge, retry, dead-letter, release). */
  async function finishBatch(published: PublishedBatch): Promise<RelayBatchResult> {
    return completeBatch(published, await record(published.outcomes, published.leaseToken));
  }

  async function runBatch(): Promise<RelayBatchResult> {
    const next = await claimAndPublish(undefined, false);
    return next === undefined ? EMPTY_RESULT : finishBatch(next);
  }

  function serialised(): Promise<RelayBatchResult> {
    const next = chain.then(runBatch, runBatch);
    chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves on a wake-up after `seenGeneration`, or after `delayMs` (never, when undefined). */
  function waitForWake(delayMs: number | undefined, seenGeneration: number): Promise<void> {
    if (wakeGeneration !== seenGeneration || state !== 'running') return Promise.resolve();
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const done = (): void => {
        waiters.delete(done);
        if (timer !== undefined) clock.clearTimeout(timer);
        resolve();
      };
      waiters.add(done);
      if (delayMs !== undefined) timer = clock.setTimeout(done, delayMs);
    });
  }

  /**
   * One pipeline slot. Slot 0 polls (adaptive backoff while idle); the other slots only run while
   * there is more work than one batch, and otherwise sleep until a wake-up. Claims exclude every key
   * with a message in flight, so slots never share a key.
   */
  async function loop(slot: number): Promise<void> {
    let idleDelay = 0;
    let errors = 0;
    /**
     * The slot's last batch when all of it was published: its acknowledgement rides on the slot's
     * next claim (one round trip instead of two). Until then its rows stay leased, so their keys
     * stay blocked, exactly as while publishing.
     */
    let unacknowledged: PublishedBatch | undefined;
    while (state === 'running') {
      const generation = wakeGeneration;
      let claimed = 0;
      const previous = unacknowledged;
      unacknowledged = undefined;
      try {
        const next = await claimAndPublish(previous, true);
        if (next !== undefined) {
          claimed = next.claimed;
          if (allPublished(next) && state === 'running') unacknowledged = next;
          else await finishBatch(next);
        }
        errors = 0;
      } catch (error) {
        errors++;
        const e = toIapError(error, ErrorCode.STORE_FAILED);
        o.logger.warn({ relay: o.relayId, error: e.toJSON() }, 'outbox relay round failed; backing off');
        events.emit('error', { error: e });
      }
      if (state !== 'running') break;
      if (claimed > 0) {
        idleDelay = 0;
        // a full batch, or batches claimed ahead, mean more work than one slot: let the idle slots help
        if ((claimed === o.batchSize || ready.length > 0) && waiters.size > 0) wake();
        continue;
      }
      if (errors > 0) await waitForWake(Math.min(o.maxPollIntervalMs, o.minPollIntervalMs * 2 ** Math.min(errors, 20)), generation);
      else if (slot > 0) await waitForWake(undefined, generation);
      else {
        idleDelay = idleDelay === 0 ? o.minPollIntervalMs : Math.min(o.maxPollIntervalMs, idleDelay * 2);
        await waitForWake(idleDelay, generation);
        if (wakeGeneration !== generation) idleDelay = 0;
      }
    }
    // a stopping relay acknowledges what it published before the loop ends
    if (unacknowledged !== undefined) await acknowledgeAlone(unacknowledged);
  }

  /** Acknowledges a published batch with its own statement; a failure is reported (the lease then runs out and the batch is published again). */
  async function acknowledgeAlone(batch: PublishedBatch): Promise<void> {
    try {
      await finishBatch(batch);
    } catch (error) {
      const e = toIapError(error, ErrorCode.STORE_FAILED);
      o.logger.warn({ relay: o.relayId, error: e.toJSON() }, 'acknowledging a published outbox batch failed; it is published again when its lease runs out');
      events.emit('error', { error: e });
    }
  }

  function scheduleMetrics(): void {
    if (o.metricsIntervalMs === 0) return;
    metricsTimer = clock.setTimeout(() => {
      metricsTimer = undefined;
      if (state !== 'running') return;
      if (telemetry.gauge !== undefined || events.has('stats')) {
        const outbox = options.outbox;
        outbox
          .stats(database)
          .then((stats) => {
            const attributes = { schema: o.outbox.names.schema, table: `${o.outbox.names.tablePrefix}outbox` };
            telemetry.gauge?.('iap.outbox.backlog', stats.pending, attributes);
            telemetry.gauge?.('iap.outbox.in_flight', stats.inFlight, attributes);
            telemetry.gauge?.('iap.outbox.oldest_pending_age_ms', stats.oldestPendingAgeMs, attributes);
            telemetry.gauge?.('iap.outbox.dead_letters', stats.deadLetters, attributes);
            events.emit('stats', stats);
          })
          .catch((error: unknown) => events.emit('error', { error: toIapError(error, ErrorCode.STORE_FAILED) }))
          .finally(scheduleMetrics);
      } else scheduleMetrics();
    }, o.metricsIntervalMs);
  }

  function scheduleCleanup(): void {
    if (o.outbox.keepPublishedForMs === 0) return;
    cleanupTimer = clock.setTimeout(() => {
      cleanupTimer = undefined;
      if (state !== 'running') return;
      options.outbox
        .purgePublished(database)
        .then((n) => count('iap.outbox.relay.purged', n))
        .catch((error: unknown) => events.emit('error', { error: toIapError(error, ErrorCode.STORE_FAILED) }))
        .finally(scheduleCleanup);
    }, o.cleanupIntervalMs);
  }

  const closedError = (): IapError => new IapError(ErrorCode.CLOSED, `relay ${o.relayId} is stopped; create a new relay to publish again`);

  const relay: Relay = {
    id: o.relayId,
    get running() {
      return state === 'running';
    },
    start() {
      if (state === 'stopping' || state === 'stopped') throw closedError();
      if (state === 'running') return;
      state = 'running';
      if (o.keepProcessAlive) releaseProcess = holdProcessOpen();
      o.outbox.wakeListeners.add(wake);
      if (o.listen && typeof database.listen === 'function') {
        unlisten = database.listen(o.outbox.names.channel, wake).catch((error: unknown) => {
          events.emit('error', { error: toIapError(error, ErrorCode.STORE_FAILED) });
          return undefined;
        });
      }
      scheduleMetrics();
      scheduleCleanup();
      loopsPromise = Promise.all(Array.from({ length: o.maxBatchesInFlight }, (_, slot) => loop(slot))).then(settleAhead);
    },
    runOnce() {
      if (state === 'stopping' || state === 'stopped') return Promise.reject(closedError());
      return serialised();
    },
    async stop(stopOptions = {}) {
      if (state === 'stopped') return;
      const timeoutMs = stopOptions.timeoutMs ?? 10_000;
      if (state === 'stopping') {
        await loopsPromise;
        await chain;
        return;
      }
      state = 'stopping';
      o.outbox.wakeListeners.delete(wake);
      if (metricsTimer !== undefined) clock.clearTimeout(metricsTimer);
      if (cleanupTimer !== undefined) clock.clearTimeout(cleanupTimer);
      wake();
      // let the in-flight batches finish; after timeoutMs, abort their publish and release what is unconfirmed
      let timer: TimerHandle | undefined;
      const finished = Promise.all([loopsPromise, chain]).then(() => 'done' as const);
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = clock.setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const first = await Promise.race([finished, timedOut]);
      if (first === 'timeout') {
        stopRequested = true;
        for (const abort of inFlightAborts) abort.abort();
        await finished;
      }
      if (timer !== undefined) clock.clearTimeout(timer);
      stopRequested = true;
      const off = await unlisten;
      if (off) await off().catch(() => undefined);
      events.removeAllListeners();
      state = 'stopped';
      releaseProcess?.();
      if (keeperTimer !== undefined) clock.clearTimeout(keeperTimer);
      keeperTimer = undefined;
    },
    close() {
      return relay.stop();
    },
    on(event, listener) {
      return events.on(event, listener);
    },
    off(event, listener) {
      events.off(event, listener);
    },
  };
  return relay;
}
