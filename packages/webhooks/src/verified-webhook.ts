import type { VerificationFailure } from './verification-failure.js';
import type { WebhookBody } from './webhook-request.js';

/**
 * A webhook whose signature matched. The body is parsed only now, on demand, prototype-safely and
 * (when the verifier has a schema) validated.
 *
 * @example
 * ```ts
 * const result = verifier.verify(request);
 * if (result.ok) console.log(result.provider, result.id, result.type, result.payload());
 * ```
 */
export interface VerifiedWebhook<TPayload = unknown> {
  readonly ok: true;
  /** Provider name, e.g. `github`. */
  readonly provider: string;
  /**
   * The provider's delivery id (`webhook-id`, `X-GitHub-Delivery`, Stripe's event id, ...), the
   * key for dedup; `undefined` when the provider sends none.
   */
  readonly id: string | undefined;
  /** The event type (`X-GitHub-Event`, Stripe's `type`, ...), for dispatch. */
  readonly type: string | undefined;
  /** The signed timestamp, ms since the epoch; `undefined` when the scheme signs none. */
  readonly timestamp: number | undefined;
  /** Index in `secrets` of the secret (or key) that matched. */
  readonly secretIndex: number;
  /**
   * Whether a signed timestamp was checked against the window. `false` means the scheme has no
   * replay protection: a captured request stays valid forever, so dedup by `id` is your only guard.
   */
  readonly replayProtected: boolean;
  /** Why the scheme that verified this request is weak, when it is (accepted via `allowWeakSchemes`). */
  readonly weakScheme: string | undefined;
  /** The exact body that was verified. */
  readonly body: WebhookBody;
  /** A request header (case-insensitive). */
  header(name: string): string | undefined;
  /**
   * The body as text.
   * @throws IapError code `DECODE` when the bytes are not valid UTF-8.
   */
  text(): string;
  /**
   * The parsed payload (JSON, or form fields for form-encoded bodies), validated against the
   * verifier's schema if it has one. Cached.
   * @throws IapError code `DECODE` for invalid UTF-8/JSON or a prototype-polluting key with `protoAction: 'error'`.
   * @throws ValidationError when the payload does not match the schema.
   */
  payload(): TPayload;
}

/**
 * The outcome of `verify`: a {@link VerifiedWebhook} or a {@link VerificationFailure}.
 *
 * @example
 * ```ts
 * const result = verifier.verify(request);
 * if (!result.ok) return new Response(result.reason, { status: result.status });
 * ```
 */
export type VerificationResult<TPayload = unknown> = VerifiedWebhook<TPayload> | VerificationFailure;
