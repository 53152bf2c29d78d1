/**
 * What a failed publish means for one message: retried after a delay (its key waits) or
 * dead-lettered, by the relay's retry policy.
 */
import { computeRetryDelay, type IapError } from '@iap/core';
import type { Claimed } from '../internal/claimed-row.js';
import type { Outcome } from './relay-batch.js';
import type { RelayContext } from './relay-context.js';

const MAX_ERROR_TEXT = 2000;

/** An error as the text stored in the row's `last_error` (code and message, bounded). */
export function errorText(error: IapError): string {
  const text = `${error.code}: ${error.message}`;
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

/** A message dead-lettered at once (undecodable, crash loop), its reason the error's text. */
export function deadOutcome(claimed: Claimed, error: IapError): Outcome {
  return { claimed, failure: { error, dead: true, delayMs: 0, reason: errorText(error) } };
}

/**
 * Decides a failed attempt of one message. A non-retryable failure dead-letters it; otherwise the
 * retry policy decides, given:
 * - `attempt`: the attempts made so far, this one included;
 * - `elapsedMs`: the time since the message was enqueued (its `created_at`, when it first became
 *   claimable), as the clock reads now. The outbox records no time of a first attempt, and a message
 *   is first attempted as soon as a relay claims it after enqueue, so this is the policy's "time since
 *   the first attempt" (plus the wait for that first claim). `maxElapsedMs` bounds it: a retry that
 *   would start later dead-letters the message. A dead letter replayed through the outbox keeps its
 *   `created_at`, so under `maxElapsedMs` a replayed message that fails again is dead-lettered again;
 * - `previousDelayMs`: the delay this relay last scheduled for the message, for `decorrelated`
 *   jitter (see retry-delay-memory.ts);
 * - the failure's `retryAfterMs` hint.
 */
export function decideFailure(ctx: RelayContext, claimed: Claimed, error: IapError, retryable: boolean): Outcome {
  const attempt = claimed.ref.attempt;
  if (!retryable) return { claimed, failure: { error, dead: true, delayMs: 0, reason: `non-retryable failure after ${attempt} attempt(s): ${errorText(error)}` } };
  const { retry, random, clock } = ctx.options;
  const previousDelayMs = ctx.retryDelays.previousDelayMs(claimed.ref.id);
  const decision = computeRetryDelay(retry, {
    attempt,
    elapsedMs: Math.max(0, clock.now() - claimed.createdAtMs),
    retryAfterMs: error.retryAfterMs,
    random,
    ...(previousDelayMs === undefined ? {} : { previousDelayMs }),
  });
  if (!decision.retry) return { claimed, failure: { error, dead: true, delayMs: 0, reason: `gave up after ${attempt} attempt(s) (${decision.reason}): ${errorText(error)}` } };
  return { claimed, failure: { error, dead: false, delayMs: decision.delayMs, reason: errorText(error) } };
}
