import { ErrorCode } from './error-codes.js';
import { IapError } from './iap-error.js';

/**
 * Where a message delivery is in its life:
 * `pending` (created, not sent) → `dispatched` (handed to a transport or handler) →
 * `acknowledged` (the transport or receiver confirmed it) → `processed` (its effects are applied).
 * A failed attempt goes to `retrying` (a later attempt is scheduled) or `failed` (no more attempts:
 * dead-lettered). `skipped` means deliberately not processed (duplicate, filtered).
 */
export const DeliveryStatus = {
  PENDING: 'pending',
  DISPATCHED: 'dispatched',
  ACKNOWLEDGED: 'acknowledged',
  PROCESSED: 'processed',
  RETRYING: 'retrying',
  FAILED: 'failed',
  SKIPPED: 'skipped',
} as const;

/** One of {@link DeliveryStatus}. */
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/** Every legal transition of the delivery state machine. Terminal states have none. */
export const DELIVERY_TRANSITIONS: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = Object.freeze({
  pending: ['dispatched', 'skipped', 'failed'],
  dispatched: ['acknowledged', 'processed', 'retrying', 'failed', 'skipped'],
  acknowledged: ['processed', 'retrying', 'failed'],
  retrying: ['dispatched', 'failed', 'skipped'],
  processed: [],
  failed: [],
  skipped: [],
});

/**
 * True for states a delivery never leaves: `processed`, `failed`, `skipped`.
 *
 * @example
 * ```ts
 * isTerminal('retrying'); // false
 * ```
 */
export function isTerminal(status: DeliveryStatus): boolean {
  return DELIVERY_TRANSITIONS[status].length === 0;
}

/** True when the state machine allows `from` → `to`. */
export function canTransition(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return DELIVERY_TRANSITIONS[from]?.includes(to) ?? false;
}

/**
 * Checks a transition.
 *
 * @throws IapError `INVALID_TRANSITION` naming both states and the allowed targets.
 */
export function assertTransition(from: DeliveryStatus, to: DeliveryStatus): void {
  if (!canTransition(from, to)) {
    const allowed = DELIVERY_TRANSITIONS[from] ?? [];
    throw new IapError(
      ErrorCode.INVALID_TRANSITION,
      `a delivery cannot go from ${from} to ${to}; allowed from ${from}: ${allowed.length ? allowed.join(', ') : 'none (terminal)'}`,
      { details: { from, to } },
    );
  }
}
