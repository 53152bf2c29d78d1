import type { Clock, StandardSchemaV1 } from '@iap/core';
import type { WebhookProvider } from './webhook-provider.js';
import type { WebhookSecret } from './webhook-secret.js';

/**
 * Options of {@link createWebhookVerifier} and `createEdgeWebhookVerifier`.
 *
 * @example
 * ```ts
 * const options: WebhookVerifierOptions = { provider: github(), secrets: [process.env.GITHUB_SECRET!] };
 * ```
 */
export interface WebhookVerifierOptions<TSchema extends StandardSchemaV1 | undefined = undefined> {
  /** The provider entry: `github()`, `stripe()`, `genericHmac({...})`, ... */
  readonly provider: WebhookProvider;
  /**
   * One secret (or public key), or a list for rotation: every signature in a request is tried
   * against every secret, and the result's `secretIndex` says which matched.
   */
  readonly secrets: WebhookSecret | readonly WebhookSecret[];
  /**
   * Oldest accepted signed timestamp, ms before now. `Infinity` disables the check (offline replay
   * of stored deliveries only).
   * @defaultValue the provider's window (e.g. 300_000 for Stripe, Slack, Standard Webhooks)
   */
  readonly maxAgeMs?: number;
  /**
   * Furthest accepted signed timestamp, ms after now: the sender's clock skew.
   * @defaultValue the provider's window (60_000 for most providers; 300_000 where the provider documents a symmetric window)
   */
  readonly maxFutureSkewMs?: number;
  /**
   * Largest body accepted, in bytes; adapters enforce it while reading, before buffering more.
   * @defaultValue `1_048_576` (1 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * Accept schemes flagged weak: GitHub SHA-1, HubSpot v1/v2, GitLab tokens, Mailgun (body not signed).
   * @defaultValue `false`
   */
  readonly allowWeakSchemes?: boolean;
  /** Source of "now" for the timestamp window. @defaultValue `systemClock` */
  readonly clock?: Clock;
  /** A Standard Schema (zod, valibot, arktype) that `payload()` validates against. @defaultValue none */
  readonly schema?: TSchema;
  /**
   * What `payload()` does with `__proto__` / `constructor.prototype` keys: drop them or reject the payload.
   * @defaultValue `'remove'`
   */
  readonly protoAction?: 'remove' | 'error';
}

/**
 * The payload type a verifier with schema `TSchema` returns.
 *
 * @example
 * ```ts
 * type Payload = PayloadOf<typeof schema>; // what payload() returns
 * ```
 */
export type PayloadOf<TSchema extends StandardSchemaV1 | undefined> = TSchema extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<TSchema> : unknown;
