/**
 * The relay's lifecycle: `createRelay` wires the parts (batch source with claiming ahead, publish,
 * outcome recording, lease keeper, slots with their poll backoff, periodic statistics and purge)
 * and owns the state they share: running or stopping, the stop request, the wake-ups.
 */
import { ErrorCode, IapError, holdProcessOpen, toIapError, type TimerHandle } from '@iap/core';
import type { RelayBatchResult } from '../relay-events.js';
import { resolveRelayOptions, type RelayOptions } from '../relay-options.js';
import { BatchSource } from './batch-source.js';
import { claimAndPublish, type RoundContext } from './claim-and-publish.js';
import { InFlightPublishes } from './in-flight-publishes.js';
import { LeaseKeeper } from './lease-keeper.js';
import { reportOutboxStats } from './outbox-stats-report.js';
import { finishBatch } from './record-outcomes.js';
import { EMPTY_RESULT } from './relay-batch.js';
import { createRelayContext, type RelayContext } from './relay-context.js';
import type { Relay, RelayStopOptions } from './relay.js';
import { RepeatingTask } from './repeating-task.js';
import { runSlot } from './slot-loop.js';
import { WakeSignal } from './wake-signal.js';

type RelayState = 'idle' | 'running' | 'stopping' | 'stopped';

/** The periodic statistics and purge of a relay. */
function periodicTasks(ctx: RelayContext, options: RelayOptions, active: () => boolean): RepeatingTask[] {
  const o = ctx.options;
  const onError = (error: unknown): void => ctx.events.emit('error', { error: toIapError(error, ErrorCode.STORE_FAILED) });
  const tasks: RepeatingTask[] = [];
  if (o.metricsIntervalMs > 0) tasks.push(new RepeatingTask({ clock: o.clock, intervalMs: o.metricsIntervalMs, active, onError, run: () => reportOutboxStats(ctx, options.outbox) }));
  if (o.outbox.keepPublishedForMs > 0) {
    const purge = (): Promise<void> => options.outbox.purgePublished(o.database).then((n) => ctx.count('iap.outbox.relay.purged', n));
    tasks.push(new RepeatingTask({ clock: o.clock, intervalMs: o.cleanupIntervalMs, active, onError, run: purge }));
  }
  return tasks;
}

/**
 * Creates an outbox relay. Call `start()` to run it; `stop()` to finish gracefully.
 *
 * Guarantees: at-least-once publishing (a crash between publish and acknowledge re-publishes the
 * batch, so consumers deduplicate, e.g. with the inbox); at most one in-flight message per
 * partition key across all relays, published in commit order; a failing message blocks only its
 * key, with backoff and jitter, until it is dead-lettered; no transaction is held open while
 * publishing. A retry's delay and the policy's `maxElapsedMs` count from the message's enqueue (see
 * `decideFailure` in retry-decision.ts).
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
  const ctx = createRelayContext(resolveRelayOptions(options));
  const o = ctx.options;
  const { database, clock } = o;
  const { events } = ctx;

  let state: RelayState = 'idle';
  /** Set once a stop gave up waiting (or finished): claimed or unconfirmed messages are handed back. */
  let stopRequested = false;
  let chain: Promise<unknown> = Promise.resolve();
  let loopsPromise: Promise<unknown> | undefined;
  let unlisten: Promise<(() => Promise<void>) | undefined> | undefined;
  let releaseProcess: (() => void) | undefined;
  const running = (): boolean => state === 'running';

  const wakeSignal = new WakeSignal(clock, running);
  const wake = wakeSignal.wake;
  const inFlight = new InFlightPublishes();
  const source: BatchSource = new BatchSource({ relay: ctx, keepLeases: () => keeper.arm(), wake });
  const keeper = new LeaseKeeper({ relay: ctx, inFlight, source, stopped: () => state === 'stopped' });
  const round: RoundContext = { source, publish: { relay: ctx, inFlight, onPublishing: () => keeper.arm(), stopRequested: () => stopRequested } };
  const tasks = periodicTasks(ctx, options, running);

  async function runBatch(): Promise<RelayBatchResult> {
    const next = await claimAndPublish(round, undefined, false);
    return next === undefined ? EMPTY_RESULT : finishBatch(ctx, next);
  }

  function serialised(): Promise<RelayBatchResult> {
    const next = chain.then(runBatch, runBatch);
    chain = next.catch(() => undefined);
    return next;
  }

  function start(): void {
    state = 'running';
    if (o.keepProcessAlive) releaseProcess = holdProcessOpen();
    o.outbox.wakeListeners.add(wake);
    if (o.listen && typeof database.listen === 'function') {
      unlisten = database.listen(o.outbox.names.channel, wake).catch((error: unknown) => {
        events.emit('error', { error: toIapError(error, ErrorCode.STORE_FAILED) });
        return undefined;
      });
    }
    for (const task of tasks) task.schedule();
    loopsPromise = Promise.all(Array.from({ length: o.maxBatchesInFlight }, (_, slot) => runSlot({ relay: ctx, round, wakeSignal, running }, slot))).then(() => source.settle());
  }

  /** Lets the in-flight batches finish; after `timeoutMs`, aborts their publish and releases what is unconfirmed. */
  async function drain(timeoutMs: number): Promise<void> {
    let timer: TimerHandle | undefined;
    const finished = Promise.all([loopsPromise, chain]).then(() => 'done' as const);
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = clock.setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const first = await Promise.race([finished, timedOut]);
    if (first === 'timeout') {
      stopRequested = true;
      inFlight.abortAll();
      await finished;
    }
    if (timer !== undefined) clock.clearTimeout(timer);
  }

  async function stop(stopOptions: RelayStopOptions): Promise<void> {
    state = 'stopping';
    o.outbox.wakeListeners.delete(wake);
    for (const task of tasks) task.stop();
    wake();
    await drain(stopOptions.timeoutMs ?? 10_000);
    stopRequested = true;
    const off = await unlisten;
    if (off) await off().catch(() => undefined);
    events.removeAllListeners();
    state = 'stopped';
    releaseProcess?.();
    keeper.stop();
  }

  const closedError = (): IapError => new IapError(ErrorCode.CLOSED, `relay ${o.relayId} is stopped; create a new relay to publish again`);

  const relay: Relay = {
    id: o.relayId,
    get running() {
      return running();
    },
    start() {
      if (state === 'stopping' || state === 'stopped') throw closedError();
      if (state !== 'running') start();
    },
    runOnce() {
      if (state === 'stopping' || state === 'stopped') return Promise.reject(closedError());
      return serialised();
    },
    async stop(stopOptions = {}) {
      if (state === 'stopped') return;
      if (state === 'stopping') {
        await loopsPromise;
        await chain;
        return;
      }
      await stop(stopOptions);
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
