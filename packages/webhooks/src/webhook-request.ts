/**
 * The exact bytes of a webhook body: a `Uint8Array` (a Node `Buffer` is one) or a string. Strings
 * are hashed as UTF-8; pass bytes whenever you have them, so nothing is decoded before verification.
 *
 * @example
 * ```ts
 * verifier.verify({ body: Buffer.from(raw), headers });
 * ```
 */
export type WebhookBody = Uint8Array | string;

/** Anything with a Fetch-style `get(name)`: `Headers`, Hono's and Next.js' request headers. */
export interface HeadersLike {
  get(name: string): string | null;
}

/**
 * Request headers: a Fetch `Headers`, Node's `IncomingHttpHeaders`, or any plain record (looked up
 * case-insensitively; repeated values joined with `, `).
 *
 * @example
 * ```ts
 * verifier.verify({ body, headers: request.headers }); // Headers, IncomingHttpHeaders or a record
 * ```
 */
export type WebhookHeaders = HeadersLike | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * One incoming webhook request, as a verifier needs it.
 *
 * @example
 * ```ts
 * const result = verifier.verify({ body: rawBody, headers: req.headers });
 * ```
 */
export interface WebhookRequest {
  /** The raw body, exactly as received. */
  readonly body: WebhookBody;
  /** The request headers. */
  readonly headers: WebhookHeaders;
  /**
   * The full public URL the provider called (scheme, host, path and query). Needed by schemes that
   * sign the URL: Twilio, HubSpot v2/v3 and Square (unless configured on the provider).
   */
  readonly url?: string;
  /** The HTTP method, upper case. Needed by HubSpot v2/v3. @defaultValue `'POST'` */
  readonly method?: string;
}
