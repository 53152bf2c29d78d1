/**
 * @packageDocumentation
 * @iap/webhooks/edge: the same providers, results, dedup, router and Fetch adapter as
 * `@iap/webhooks`, with verifiers and signers on WebCrypto (async) and no node: imports, for
 * Cloudflare Workers, Vercel Edge, Deno and Bun.
 */

// verification and signing (WebCrypto)
export { createEdgeWebhookVerifier } from './edge/create-edge-webhook-verifier.js';
export { createEdgeWebhookSigner } from './edge/create-edge-webhook-signer.js';
export type { AsyncWebhookVerifier, WebhookVerifier } from './webhook-verifier.js';
export type { WebhookVerifierOptions, PayloadOf } from './webhook-verifier-options.js';
export type { AsyncWebhookSigner, WebhookSigner, WebhookSignerOptions } from './webhook-signer.js';
export type { VerifiedWebhook, VerificationResult } from './verified-webhook.js';
export { VERIFICATION_FAILURE_STATUS, verificationFailure } from './verification-failure.js';
export type { VerificationFailure, VerificationFailureReason } from './verification-failure.js';
export type { WebhookRequest, WebhookBody, WebhookHeaders, HeadersLike } from './webhook-request.js';
export type { WebhookSecret } from './webhook-secret.js';

// errors
export { WebhookVerificationError, isWebhookVerificationError } from './webhook-verification-error.js';
export { WebhookBodyParsedError, isWebhookBodyParsedError } from './webhook-body-parsed-error.js';
export { WebhookErrorCode } from './webhook-error-codes.js';

// provider entries
export type {
  WebhookProvider,
  WebhookRequestView,
  VerificationPlan,
  PrepareFailure,
  SignatureAlgorithm,
  SignatureCandidate,
  SignedContent,
  SignedTimestamp,
  WebhookKey,
  WebhookKeyKind,
  FieldSource,
  TimestampWindow,
  TimestampUnit,
  HandshakeSpec,
  HandshakeReply,
  HandshakeEvent,
  SignInput,
  SigningPlan,
  SignedWebhook,
} from './webhook-provider.js';
export { github } from './providers/github.js';
export { stripe } from './providers/stripe.js';
export { standardWebhooks } from './providers/standard-webhooks.js';
export { svix } from './providers/svix.js';
export { slack } from './providers/slack.js';
export { shopify } from './providers/shopify.js';
export { hubspot } from './providers/hubspot.js';
export { twilio } from './providers/twilio.js';
export { square } from './providers/square.js';
export type { SquareProviderOptions } from './providers/square.js';
export { zoom } from './providers/zoom.js';
export { pagerDuty } from './providers/pagerduty.js';
export { twitch } from './providers/twitch.js';
export { linear } from './providers/linear.js';
export { paddle } from './providers/paddle.js';
export { intercom } from './providers/intercom.js';
export { sendGrid } from './providers/sendgrid.js';
export { discord } from './providers/discord.js';
export { gitlab } from './providers/gitlab.js';
export { mailgun } from './providers/mailgun.js';
export { genericHmac } from './providers/generic-hmac.js';
export type { GenericHmacOptions } from './providers/generic-hmac.js';

// dedup and dispatch
export { createWebhookDeduplicator } from './webhook-deduplicator.js';
export type { WebhookDeduplicator, WebhookDeduplicatorOptions, DedupOutcome } from './webhook-deduplicator.js';
export { createWebhookRouter } from './webhook-router.js';
export type { WebhookRouter, WebhookEventHandler, DispatchResult, EventsOfSchemas } from './webhook-router.js';

// Fetch adapter (Hono, Next.js App Router, Workers)
export type { WebhookHandlerOptions, WebhookReply } from './webhook-handler-options.js';
export { createFetchWebhookHandler, readFetchBody } from './adapters/fetch.js';
export type { FetchWebhookHandlerOptions, FetchBodyResult } from './adapters/fetch.js';
