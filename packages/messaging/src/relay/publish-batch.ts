/**
 * Publishing one claimed batch: crash-looping and undecodable rows are dead-lettered without a
 * publish, the rest go to the publisher in one call, bounded by `publishTimeoutMs` and abortable by
 * a stop; every message gets an outcome.
 */
import { ErrorCode, IapError, toIapError, type PublishMessage, type PublishResult, type TimerHandle } from '@iap/core';
import { toPublishMessage, type Claimed, type ClaimedRow } from '../internal/claimed-row.js';
import { startPublishSpan } from './batch-metrics.js';
import type { InFlightPublishes } from './in-flight-publishes.js';
import type { Outcome } from './relay-batch.js';
import type { RelayContext } from './relay-context.js';
import { deadOutcome, decideFailure } from './retry-decision.js';

/** What publishing needs besides the relay's context. */
export interface PublishContext {
  readonly relay: RelayContext;
  readonly inFlight: InFlightPublishes;
  /** Called once a publish is under way, so its lease is renewed while it runs. */
  readonly onPublishing: () => void;
  /** True once a stop gave up waiting for the in-flight publishes. */
  readonly stopRequested: () => boolean;
}

/** The rows of a batch sorted into the dead (`outcomes`) and the messages to publish. */
interface PreparedBatch {
  readonly outcomes: Outcome[];
  readonly toPublish: Claimed[];
  readonly messages: PublishMessage[];
}

/** How the publisher answered: its results, or why there are none. */
interface Sent {
  readonly results?: PublishResult[];
  readonly thrown?: IapError;
  /** Whether the publish's signal was aborted (a stop or the timeout). */
  readonly aborted: boolean;
}

/** Dead-letters crash loops past the threshold and rows whose envelope does not decode. */
function prepareBatch(ctx: RelayContext, batch: readonly ClaimedRow[]): PreparedBatch {
  const prepared: PreparedBatch = { outcomes: [], toPublish: [], messages: [] };
  for (const claimedRow of batch) {
    const { claimed } = claimedRow;
    if (claimed.unfinishedClaims > 0) {
      const dead = claimed.unfinishedClaims >= ctx.options.crashLoopThreshold;
      ctx.count('iap.outbox.relay.crash_loops', 1);
      ctx.events.emit('crashLoop', { ...claimed.ref, unfinishedClaims: claimed.unfinishedClaims, deadLettered: dead });
      if (dead) {
        const error = new IapError(ErrorCode.PUBLISH_FAILED, `crash loop: claimed ${claimed.unfinishedClaims + 1} times in a row without an outcome (the relay holding it crashed or hung each time)`);
        prepared.outcomes.push(deadOutcome(claimed, error));
        continue;
      }
    }
    let message: PublishMessage;
    try {
      message = toPublishMessage(claimedRow);
    } catch (cause) {
      const error = new IapError(ErrorCode.MESSAGE_DECODE, `the stored envelope of outbox row ${claimed.ref.id} is not a valid envelope (${toIapError(cause).message})`, { cause });
      prepared.outcomes.push(deadOutcome(claimed, error));
      continue;
    }
    prepared.toPublish.push(claimed);
    prepared.messages.push(message);
  }
  return prepared;
}

/** One publisher call, raced against `publishTimeoutMs` and a stop's abort. */
async function send(ctx: PublishContext, messages: PublishMessage[], leaseToken: string): Promise<Sent> {
  const { clock, publisher, publishTimeoutMs, relayId, telemetry } = ctx.relay.options;
  const span = startPublishSpan(ctx.relay, messages);
  const abort = ctx.inFlight.begin(leaseToken);
  ctx.onPublishing();
  let timeoutTimer: TimerHandle | undefined;
  const started = clock.now();
  let results: PublishResult[] | undefined;
  let thrown: IapError | undefined;
  try {
    const timeout = new Promise<'timeout'>((resolve) => {
      timeoutTimer = clock.setTimeout(() => resolve('timeout'), publishTimeoutMs);
    });
    const stopped = new Promise<'stopped'>((resolve) => abort.signal.addEventListener('abort', () => resolve('stopped'), { once: true }));
    const outcome = await Promise.race([publisher.publish(messages, { signal: abort.signal }), timeout, stopped]);
    if (outcome === 'stopped') {
      // stop() gave up waiting: the outcome is unknown, so the messages go back (a duplicate at worst)
      thrown = new IapError(ErrorCode.ABORTED, 'the relay was stopped while publishing', { retryable: true });
    } else if (outcome === 'timeout') {
      abort.abort();
      thrown = new IapError(ErrorCode.TIMEOUT, `the publisher did not answer within publishTimeoutMs (${publishTimeoutMs} ms)`, { retryable: true });
    } else results = outcome;
  } catch (error) {
    thrown = toIapError(error, ErrorCode.PUBLISH_FAILED);
  } finally {
    ctx.inFlight.end(leaseToken);
    if (timeoutTimer !== undefined) clock.clearTimeout(timeoutTimer);
  }
  telemetry.histogram?.('iap.outbox.relay.publish.duration_ms', clock.now() - started, { relay: relayId });
  // the span fails with the publisher's error, or with the first message it could not publish
  span?.end(thrown ?? results?.find((r) => !r.ok)?.error);
  return { ...(results === undefined ? {} : { results }), ...(thrown === undefined ? {} : { thrown }), aborted: abort.signal.aborted };
}

/** The outcome of each published message from the publisher's answer. */
function outcomesOf(ctx: PublishContext, toPublish: readonly Claimed[], sent: Sent, outcomes: Outcome[]): void {
  const { results } = sent;
  if (results === undefined) {
    // a timeout counts as an attempt; a throwing publisher is unusable (closed, misconfigured):
    // hand the batch back without spending the messages' attempts
    const error = sent.thrown ?? new IapError(ErrorCode.PUBLISH_FAILED, 'the publisher returned no results');
    if (error.code === ErrorCode.ABORTED) for (const claimed of toPublish) outcomes.push({ claimed, release: true });
    else if (error.code !== ErrorCode.TIMEOUT) {
      ctx.relay.events.emit('error', { error });
      for (const claimed of toPublish) outcomes.push({ claimed, release: true });
    } else for (const claimed of toPublish) outcomes.push(decideFailure(ctx.relay, claimed, error, true));
    return;
  }
  toPublish.forEach((claimed, index) => {
    const result = results[index];
    if (result !== undefined && result.id === claimed.ref.messageId && result.ok) outcomes.push({ claimed });
    else if (ctx.stopRequested() && sent.aborted) outcomes.push({ claimed, release: true });
    else if (result !== undefined && result.id === claimed.ref.messageId && !result.ok) outcomes.push(decideFailure(ctx.relay, claimed, result.error, result.retryable));
    else {
      const error = new IapError(ErrorCode.PUBLISH_FAILED, `the publisher returned no result for message ${claimed.ref.messageId} (results must be in input order, one per message)`, { retryable: true });
      outcomes.push(decideFailure(ctx.relay, claimed, error, true));
    }
  });
}

/** Publishes a claimed batch leased under `leaseToken`: one outcome per row, those dead-lettered without a publish first. */
export async function publishBatch(ctx: PublishContext, batch: readonly ClaimedRow[], leaseToken: string): Promise<Outcome[]> {
  const { outcomes, toPublish, messages } = prepareBatch(ctx.relay, batch);
  if (messages.length === 0) return outcomes;
  const sent = await send(ctx, messages, leaseToken);
  outcomesOf(ctx, toPublish, sent, outcomes);
  return outcomes;
}
