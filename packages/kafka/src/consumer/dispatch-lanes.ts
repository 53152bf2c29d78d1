import { OffsetTracker, nextOffset } from '../internal/offset-tracker.js';
import type { ConsumerRuntime } from './consumer-runtime.js';
import type { BatchScope, PauseReason } from './delivery-context.js';
import type { PartitionState, PauseRequest } from './partition-control.js';
import type { DeliverRecord } from './record-delivery.js';

/** What a batch's dispatch achieved. */
export interface BatchResult {
  /** Next offset to commit, if anything new is done. */
  readonly commit: string | undefined;
  /** Set when the partition must pause. */
  readonly pause: PauseRequest | undefined;
}

/** Delivers the records of one batch and says what may be committed. */
export type DispatchBatch = (scope: BatchScope, state: PartitionState) => Promise<BatchResult>;

/**
 * Makes the dispatch of a batch: with `keyConcurrency: 1`, one record after the other in offset
 * order; above 1, per-key lanes (see {@link dispatchByKey}). Records already completed ahead of a
 * pause are skipped when fetched again.
 */
export function createDispatch(runtime: ConsumerRuntime, deliver: DeliverRecord): DispatchBatch {
  const { keyConcurrency } = runtime.config;
  return keyConcurrency === 1 ? (scope, state) => dispatchInOrder(runtime, deliver, scope, state) : (scope, state) => dispatchByKey(runtime, deliver, scope, state, keyConcurrency);
}

/** One record after the other; stops at the first record not done. */
async function dispatchInOrder(runtime: ConsumerRuntime, deliver: DeliverRecord, scope: BatchScope, state: PartitionState): Promise<BatchResult> {
  const { batch } = scope;
  let lastDone: string | undefined;
  let pause: PauseRequest | undefined;
  for (const message of batch.messages) {
    if (runtime.stopRequested(batch)) break;
    if (state.completedAhead.size > 0 && state.completedAhead.delete(message.offset)) {
      lastDone = message.offset;
      continue;
    }
    let outcome = deliver(scope, message);
    if (outcome instanceof Promise) outcome = await outcome;
    if (outcome.kind === 'done') {
      lastDone = message.offset;
      continue;
    }
    if (outcome.kind === 'pause') pause = { offset: message.offset, delayMs: outcome.delayMs, reason: outcome.reason };
    break;
  }
  return { commit: lastDone === undefined ? undefined : nextOffset(lastDone), pause };
}

/**
 * Per-key lanes: records of one key run one after the other, records of different keys (and
 * records without a key) run at once, at most `keyConcurrency` at a time. Only the contiguous
 * completed prefix is committed; after a pause, the records completed beyond it are remembered in
 * the partition state so they are not run again.
 */
async function dispatchByKey(runtime: ConsumerRuntime, deliver: DeliverRecord, scope: BatchScope, state: PartitionState, keyConcurrency: number): Promise<BatchResult> {
  const { batch } = scope;
  const messages = batch.messages;
  const tracker = new OffsetTracker(messages.map((m) => m.offset));
  const lanes = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  let wakeDispatcher: (() => void) | undefined;
  let stopped = false;
  let pause: { index: number; delayMs: number; reason: PauseReason } | undefined;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    if (state.completedAhead.size > 0 && state.completedAhead.delete(message.offset)) {
      tracker.complete(index);
      continue;
    }
    while (running.size >= keyConcurrency && !stopped) await new Promise<void>((resolve) => (wakeDispatcher = resolve));
    if (stopped || runtime.stopRequested(batch)) break;
    // records without a key have no order to keep: each is its own lane
    const lane = message.key === null ? `\u0000${index}` : message.key.toString('latin1');
    const previous = lanes.get(lane);
    const i = index;
    const run = (previous ?? Promise.resolve()).then(async () => {
      if (stopped) return;
      const outcome = await deliver(scope, message);
      if (outcome.kind === 'done') {
        tracker.complete(i);
        return;
      }
      stopped = true;
      if (outcome.kind === 'pause' && (pause === undefined || i < pause.index)) pause = { index: i, delayMs: outcome.delayMs, reason: outcome.reason };
    });
    const tracked = run.finally(() => {
      running.delete(tracked);
      if (lanes.get(lane) === tracked) lanes.delete(lane);
      const wake = wakeDispatcher;
      wakeDispatcher = undefined;
      wake?.();
    });
    running.add(tracked);
    lanes.set(lane, tracked);
  }
  while (running.size > 0) await Promise.all([...running]);
  const commit = tracker.committableOffset();
  let pauseAt: PauseRequest | undefined;
  if (pause !== undefined) {
    // resume at the first record not done (it may be before the one that asked for the pause)
    pauseAt = { offset: messages[tracker.firstPending]!.offset, delayMs: pause.delayMs, reason: pause.reason };
    for (const offset of tracker.completedAhead()) state.completedAhead.add(offset);
  }
  // when stopped for closing or a rebalance, records done beyond the commit point are redelivered
  // to the next owner, which deduplicates them through the idempotency store
  return { commit, pause: pauseAt };
}
