import type { VerificationFailureReason } from './verification-failure.js';
import type { WebhookBody } from './webhook-request.js';
import type { WebhookSecret } from './webhook-secret.js';
import type { TimestampUnit } from './internal/strict-timestamp.js';

export type { TimestampUnit };

/**
 * A signature algorithm. `hmac-*`: keyed MAC with a shared secret. `sha256-digest`: SHA-256 of
 * secret + content (HubSpot v1/v2; weak). `ed25519` and `ecdsa-p256-sha256`: public-key signatures.
 * `token`: the header carries the shared secret itself (GitLab; weak).
 */
export type SignatureAlgorithm = 'hmac-sha1' | 'hmac-sha256' | 'hmac-sha512' | 'sha256-digest' | 'ed25519' | 'ecdsa-p256-sha256' | 'token';

/** How a key's bytes are to be used. */
export type WebhookKeyKind = 'symmetric' | 'ed25519-public' | 'ed25519-private' | 'ecdsa-p256-public' | 'ecdsa-p256-private';

/**
 * Key material parsed from a configured secret. `bytes`: raw secret bytes (symmetric), the raw
 * 32-byte public key (Ed25519), DER SPKI (ECDSA public) or DER PKCS#8 (private keys).
 */
export interface WebhookKey {
  readonly kind: WebhookKeyKind;
  readonly bytes: Uint8Array;
}

/** The signed message: `prefix` + body (when `includeBody`) + `suffix`, strings as UTF-8. */
export interface SignedContent {
  readonly prefix: string;
  readonly includeBody: boolean;
  readonly suffix: string;
}

/** One signature read from a request, strictly decoded. */
export interface SignatureCandidate {
  readonly algorithm: SignatureAlgorithm;
  readonly bytes: Uint8Array;
}

/** A signed timestamp read from a request, to be checked against the window after the signature. */
export interface SignedTimestamp {
  /** Where it came from, for messages (a header name). */
  readonly source: string;
  /** Milliseconds since the epoch. */
  readonly ms: number;
}

/** What a provider read from a request: everything the crypto engine needs, nothing computed yet. */
export interface VerificationPlan {
  readonly ok: true;
  readonly content: SignedContent;
  /** Other messages the sender may have signed (Twilio: the URL with and without its port). */
  readonly alternativeContents?: readonly SignedContent[];
  /** Every signature found (all are tried against every secret). */
  readonly candidates: readonly SignatureCandidate[];
  /** The signed timestamp, when the scheme has one in headers. */
  readonly timestamp: SignedTimestamp | undefined;
  /** Why the scheme used by this request is weak, when it is. */
  readonly weak: string | undefined;
  /** Twilio JSON bodies: the SHA-256 of the body must equal these bytes (from the signed URL). */
  readonly bodySha256?: Uint8Array;
}

/** A request a provider could not read. */
export interface PrepareFailure {
  readonly ok: false;
  readonly reason: Extract<VerificationFailureReason, 'missing_header' | 'malformed_header'>;
  readonly message: string;
}

/** Read-only access to the request for providers. */
export interface WebhookRequestView {
  /** A header value (name in lower case), repeated values joined with `, `. */
  header(name: string): string | undefined;
  readonly body: WebhookBody;
  readonly url: string | undefined;
  /** Upper-case method. @defaultValue `'POST'` */
  readonly method: string;
  /** The body as text (strict UTF-8 for bytes); `undefined` when the bytes are not valid UTF-8. */
  text(): string | undefined;
}

/**
 * Where a delivery id or event type is found: a request header (first present of `headers`, lower
 * case), or a field of the payload (dotted paths, first present wins), read only after verification.
 */
export type FieldSource = { readonly from: 'header'; readonly headers: readonly string[] } | { readonly from: 'payload'; readonly paths: readonly string[] };

/** The provider's default replay window. */
export interface TimestampWindow {
  /** Oldest accepted signed timestamp, ms before now. */
  readonly maxAgeMs: number;
  /** Furthest accepted signed timestamp, ms after now (sender clock skew). */
  readonly maxFutureSkewMs: number;
}

/** How a handshake is answered. */
export type HandshakeSpec =
  | { readonly kind: 'reply'; readonly contentType: string; readonly body: string }
  /** Answer computed with the matching secret: HMAC-SHA256 hex of `message`, passed to `build`. */
  | { readonly kind: 'hmac-reply'; readonly message: string; build(hmacHex: string): { readonly contentType: string; readonly body: string } };

/**
 * The handshake answer: send it as the response, do not run the event handler.
 *
 * @example
 * ```ts
 * const reply = verifier.handshake(event);
 * if (reply) res.writeHead(reply.status, reply.headers).end(reply.body);
 * ```
 */
export interface HandshakeReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What `handshake` is given: the verified event's accessors. */
export interface HandshakeEvent {
  header(name: string): string | undefined;
  /** The parsed payload, or `undefined` when it is not valid JSON/form data. */
  payloadOrUndefined(): unknown;
}

/**
 * Input to a signer.
 *
 * @example
 * ```ts
 * signer.sign({ body: '{}', id: 'msg_1', timestampMs: Date.now(), url: 'https://example.com/hook' });
 * ```
 */
export interface SignInput {
  /** The body to sign, exactly as it will be sent. */
  readonly body: WebhookBody;
  /** Delivery id for schemes that sign one. @defaultValue a fresh `msg_<uuidv7>` */
  readonly id?: string;
  /** Timestamp to sign, ms since the epoch. @defaultValue the signer's clock */
  readonly timestampMs?: number;
  /** Full URL, for schemes that sign it (Twilio, HubSpot v3, Square). */
  readonly url?: string;
  /** HTTP method for HubSpot. @defaultValue `'POST'` */
  readonly method?: string;
  /** Content type; Twilio signs form parameters for `application/x-www-form-urlencoded`. */
  readonly contentType?: string;
}

/** What a provider needs a signer's engine to compute. */
export interface SigningPlan {
  readonly algorithm: SignatureAlgorithm;
  /** Whether `content` and `finish` need the body's SHA-256 (hex) first (Twilio JSON). */
  readonly needsBodySha256: boolean;
  content(bodySha256Hex: string | undefined): SignedContent;
  finish(signature: Uint8Array, bodySha256Hex: string | undefined): SignedWebhook;
}

/**
 * A signed webhook, ready to send.
 *
 * @example
 * ```ts
 * const { headers, body } = signer.sign({ body: '{}' });
 * await fetch(url, { method: 'POST', headers, body });
 * ```
 */
export interface SignedWebhook {
  /** Headers to send (names in lower case). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body to send (Mailgun carries the signature in the body). */
  readonly body: WebhookBody;
  /** The URL to call, when the scheme changed it (Twilio JSON adds `bodySHA256`). */
  readonly url?: string;
}

/**
 * A provider entry: how one provider signs webhooks. Build-ins come from the provider factories
 * (`github()`, `stripe()`, ...); `genericHmac()` builds one for custom setups. The verifiers run the
 * crypto; a provider only reads requests and describes what is signed.
 *
 * @example
 * ```ts
 * // Built-in entries are declarative; a custom one implements the same interface:
 * const provider: WebhookProvider = genericHmac({ name: 'erp', header: 'x-erp-signature' });
 * const verifier = createWebhookVerifier({ provider, secrets: ['secret'] });
 * ```
 */
export interface WebhookProvider {
  /** Name used in results and messages, e.g. `github`. */
  readonly name: string;
  /** Default replay window, or `undefined` when the scheme signs no timestamp (no replay protection). */
  readonly window: TimestampWindow | undefined;
  /** How `payload()` parses the body: JSON, form data, or by `content-type`. */
  readonly bodyFormat: 'json' | 'form' | 'auto';
  /** Where the delivery id (for dedup) is found. */
  readonly id: FieldSource | undefined;
  /** Where the event type (for dispatch) is found. */
  readonly eventType: FieldSource | undefined;
  /** Linear: the signed timestamp is a payload field, checked right after the signature. */
  readonly payloadTimestamp?: { readonly path: string; readonly unit: TimestampUnit };
  /**
   * Parses a configured verification secret or public key.
   * @throws Error whose message says what is wrong with it (never its value).
   */
  parseVerificationKey(secret: WebhookSecret): WebhookKey;
  /**
   * Parses a signing secret or private key.
   * @throws Error whose message says what is wrong with it (never its value).
   */
  parseSigningKey(secret: WebhookSecret): WebhookKey;
  /** Reads signatures, timestamp and signed content from a request. Must not throw. */
  prepare(request: WebhookRequestView): VerificationPlan | PrepareFailure;
  /**
   * Describes how to sign `input` with `key`.
   * @throws Error when the input lacks something the scheme signs (e.g. a URL for Twilio).
   */
  prepareSigning(input: SignInput, key: WebhookKey, nowMs: number): SigningPlan;
  /** Answers provider handshakes (challenges, pings) after verification. */
  handshake?(event: HandshakeEvent): HandshakeSpec | undefined;
}
