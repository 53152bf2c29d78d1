import { createInMemoryIdempotencyStore, ErrorCode, IapError, type IdempotencyStore } from '@iap/core';
import type { VerifiedWebhook } from './verified-webhook.js';

/**
 * Options of {@link createWebhookDeduplicator}.
 *
 * @example
 * ```ts
 * const options: WebhookDeduplicatorOptions = { ttlMs: 7 * 86_400_000 };
 * ```
 */
export interface WebhookDeduplicatorOptions {
  /**
   * Where processed delivery ids are remembered. Use a shared, durable store (e.g. the messaging
   * inbox's) when several instances receive the same webhooks.
   * @defaultValue `createInMemoryIdempotencyStore()` (this process only)
   */
  readonly store?: IdempotencyStore;
  /**
   * How long a processed id is remembered, ms. Cover the provider's retry horizon (Stripe retries
   * for up to 3 days).
   * @defaultValue `259_200_000` (3 days)
   */
  readonly ttlMs?: number;
  /**
   * How long an in-progress claim is held before another delivery may take over (a crashed worker
   * must not block the id forever), ms.
   * @defaultValue `60_000`
   */
  readonly leaseMs?: number;
  /** Prefix of store keys, which are `<prefix><provider>:<id>`. @defaultValue `'webhook:'` */
  readonly keyPrefix?: string;
}

/**
 * What {@link WebhookDeduplicator.run} did.
 *
 * @example
 * ```ts
 * const outcome = await dedup.run(event, handle);
 * if (outcome.status === 'in_progress') res.writeHead(409).end();
 * ```
 */
export type DedupOutcome<T> =
  /** The handler ran; `key` is `undefined` when the event had no id (nothing to dedup by). */
  | { readonly status: 'processed'; readonly value: T; readonly key: string | undefined }
  /** This delivery id was processed already: the handler did not run. */
  | { readonly status: 'duplicate'; readonly key: string }
  /** Another worker is processing this id right now: the handler did not run; answer 409 so the provider retries. */
  | { readonly status: 'in_progress'; readonly key: string };

/**
 * Runs each delivery's handler at most once per provider delivery id.
 *
 * @example
 * ```ts
 * const outcome = await dedup.run(event, () => handle(event.payload()));
 * if (outcome.status === 'duplicate') console.log('already processed', outcome.key);
 * ```
 */
export interface WebhookDeduplicator {
  /** The store key for an event, or `undefined` when it has no id. */
  key(event: VerifiedWebhook<unknown>): string | undefined;
  /**
   * Claims the event's id, runs `handler`, and marks the id completed. When the handler throws the
   * claim is released (so the provider's retry can run it) and the error is rethrown.
   * @throws whatever `handler` throws; IapError `IDEMPOTENCY_CONFLICT` when the lease expired and
   * another worker took the id meanwhile.
   */
  run<T>(event: VerifiedWebhook<unknown>, handler: () => T | Promise<T>): Promise<DedupOutcome<T>>;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new IapError(ErrorCode.INVALID_OPTIONS, `createWebhookDeduplicator: ${name} must be a positive number of milliseconds`);
  return value;
}

/**
 * Creates a deduplicator keyed by the provider's delivery id (`webhook-id`, `X-GitHub-Delivery`,
 * `X-Shopify-Event-Id`, Twitch message id, Stripe event id, ...) on a core `IdempotencyStore`.
 *
 * @throws IapError code `INVALID_OPTIONS` for a non-positive `ttlMs` or `leaseMs`.
 * @example
 * ```ts
 * import { createWebhookDeduplicator } from '@iap/webhooks';
 *
 * const dedup = createWebhookDeduplicator({ ttlMs: 3 * 86_400_000 });
 * const result = verifier.verify(request);
 * if (result.ok) await dedup.run(result, () => applyPayment(result.payload()));
 * ```
 */
export function createWebhookDeduplicator(options: WebhookDeduplicatorOptions = {}): WebhookDeduplicator {
  const store = options.store ?? createInMemoryIdempotencyStore();
  const ttlMs = positive('ttlMs', options.ttlMs ?? 259_200_000);
  const leaseMs = positive('leaseMs', options.leaseMs ?? 60_000);
  const keyPrefix = options.keyPrefix ?? 'webhook:';
  if (typeof keyPrefix !== 'string') throw new IapError(ErrorCode.INVALID_OPTIONS, 'createWebhookDeduplicator: keyPrefix must be a string');

  const key = (event: VerifiedWebhook<unknown>): string | undefined => (event.id === undefined ? undefined : `${keyPrefix}${event.provider}:${event.id}`);

  return {
    key,
    async run<T>(event: VerifiedWebhook<unknown>, handler: () => T | Promise<T>): Promise<DedupOutcome<T>> {
      const storeKey = key(event);
      if (storeKey === undefined) return { status: 'processed', value: await handler(), key: undefined };
      const claim = await store.claim(storeKey, { leaseMs });
      if (claim.status === 'completed') return { status: 'duplicate', key: storeKey };
      if (claim.status === 'in_progress') return { status: 'in_progress', key: storeKey };
      let value: T;
      try {
        value = await handler();
      } catch (error) {
        await store.release(storeKey, claim.token);
        throw error;
      }
      await store.complete(storeKey, claim.token, { ttlMs });
      return { status: 'processed', value, key: storeKey };
    },
  };
}
