import { assertTransition, isTerminal, type DeliveryStatus } from './delivery-status.js';
import { ErrorCode } from './error-codes.js';
import { IapError, readRetryAfterMs, toIapError } from './iap-error.js';
import type { RandomSource } from './random-source.js';
import { computeRetryDelay, type RetryPolicy } from './retry-policy.js';

/** One status change in a delivery's history. */
export interface DeliveryTransition {
  readonly from: DeliveryStatus;
  readonly to: DeliveryStatus;
  /** ms since epoch. */
  readonly at: number;
  /** The attempt number the change belongs to. */
  readonly attempt: number;
  /** Code of the error that caused it, if any (never the message's payload). */
  readonly errorCode?: string;
  /** Why the change happened, e.g. `max_attempts`, `duplicate`. */
  readonly reason?: string;
}

/**
 * The state of one message's delivery: an immutable value; every change returns a new one. The
 * history is bounded by the attempt count.
 */
export interface Delivery {
  readonly messageId: string;
  readonly status: DeliveryStatus;
  /** Attempts started so far (a `dispatched` transition starts one). */
  readonly attempts: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When the next attempt is due, while `retrying`. */
  readonly nextAttemptAt?: number;
  /** The last delay chosen, for decorrelated jitter. */
  readonly lastDelayMs?: number;
  /** Code and message of the last failure (messages of @iap errors never carry payload values). */
  readonly lastError?: { readonly code: string; readonly message: string };
  readonly history: readonly DeliveryTransition[];
}

/**
 * Starts tracking a delivery in `pending`.
 *
 * @example
 * ```ts
 * let d = createDelivery('msg-1', clock.now());
 * d = transitionDelivery(d, 'dispatched', clock.now());
 * ```
 */
export function createDelivery(messageId: string, now: number): Delivery {
  if (typeof messageId !== 'string' || messageId.length === 0) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, 'a delivery needs a non-empty messageId');
  }
  return { messageId, status: 'pending', attempts: 0, createdAt: now, updatedAt: now, history: [] };
}

/** Options for {@link transitionDelivery}. */
export interface TransitionOptions {
  readonly errorCode?: string;
  readonly reason?: string;
}

/**
 * Moves a delivery to `to`. Dispatching counts an attempt.
 *
 * @throws IapError `INVALID_TRANSITION` when the state machine does not allow it.
 */
export function transitionDelivery(delivery: Delivery, to: DeliveryStatus, now: number, options: TransitionOptions = {}): Delivery {
  assertTransition(delivery.status, to);
  const attempts = to === 'dispatched' ? delivery.attempts + 1 : delivery.attempts;
  const entry: DeliveryTransition = {
    from: delivery.status,
    to,
    at: now,
    attempt: attempts,
    ...(options.errorCode === undefined ? {} : { errorCode: options.errorCode }),
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  };
  const { nextAttemptAt: _drop, ...rest } = delivery;
  return { ...rest, status: to, attempts, updatedAt: now, history: [...delivery.history, entry] };
}

/** Options for {@link recordDeliveryFailure}. */
export interface FailureOptions {
  readonly policy: RetryPolicy;
  readonly random?: RandomSource;
  /** Treat the failure as not retryable regardless of the error's own flag. */
  readonly permanent?: boolean;
}

/**
 * Records a failed attempt of a `dispatched` or `acknowledged` delivery. A retryable error with
 * attempts left under the policy moves it to `retrying` with `nextAttemptAt`; otherwise to `failed`.
 * An error's `retryAfterMs` hint is honoured inside the policy's caps.
 *
 * @throws IapError `INVALID_TRANSITION` when the delivery is not in flight (not `dispatched` or
 *   `acknowledged`), whether the error is retryable or not.
 * @example
 * ```ts
 * d = recordDeliveryFailure(d, err, clock.now(), { policy });
 * if (d.status === 'retrying') schedule(d.nextAttemptAt);
 * ```
 */
export function recordDeliveryFailure(delivery: Delivery, error: unknown, now: number, options: FailureOptions): Delivery {
  // Checked first, so a retryable and a permanent failure of a delivery not in flight fail alike.
  if (delivery.status !== 'dispatched' && delivery.status !== 'acknowledged') {
    throw new IapError(
      ErrorCode.INVALID_TRANSITION,
      `cannot record a failed attempt of a delivery in ${delivery.status}: only a dispatched or acknowledged delivery has an attempt in flight`,
      { details: { from: delivery.status, messageId: delivery.messageId } },
    );
  }
  const iapError = toIapError(error);
  const retryable = !options.permanent && (IapError.isInstance(error) ? error.retryable : true);
  const lastError = { code: iapError.code, message: iapError.message };
  if (retryable) {
    const decision = computeRetryDelay(options.policy, {
      attempt: delivery.attempts,
      elapsedMs: now - delivery.createdAt,
      retryAfterMs: readRetryAfterMs(error),
      ...(delivery.lastDelayMs === undefined ? {} : { previousDelayMs: delivery.lastDelayMs }),
      ...(options.random === undefined ? {} : { random: options.random }),
    });
    if (decision.retry) {
      const next = transitionDelivery(delivery, 'retrying', now, { errorCode: iapError.code });
      return { ...next, lastError, nextAttemptAt: now + decision.delayMs, lastDelayMs: decision.delayMs };
    }
    return { ...transitionDelivery(delivery, 'failed', now, { errorCode: iapError.code, reason: decision.reason }), lastError };
  }
  return { ...transitionDelivery(delivery, 'failed', now, { errorCode: iapError.code, reason: 'not_retryable' }), lastError };
}

/**
 * Milliseconds until the next attempt of a `retrying` delivery (0 when due), or undefined when no
 * attempt is scheduled.
 */
export function nextRetryDelayMs(delivery: Delivery, now: number): number | undefined {
  if (delivery.status !== 'retrying' || delivery.nextAttemptAt === undefined) return undefined;
  return Math.max(0, delivery.nextAttemptAt - now);
}

/** True when the delivery is in a terminal state. */
export function isDeliveryDone(delivery: Delivery): boolean {
  return isTerminal(delivery.status);
}
