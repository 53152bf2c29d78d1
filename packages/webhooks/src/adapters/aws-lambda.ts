import { checkHandlerOptions, jsonResponse, processWebhook, tooLargeResponse, type AdapterResponse } from '../internal/process-webhook.js';
import { decodeBase64Strict, encodeBase64 } from '../internal/strict-base64.js';
import type { WebhookHandlerOptions } from '../webhook-handler-options.js';

/**
 * An API Gateway (REST v1 or HTTP v2 payload) or Lambda Function URL event: the fields the adapter
 * reads.
 *
 * @example
 * ```ts
 * export const handler = (event: LambdaHttpEvent) => webhookHandler(event);
 * ```
 */
export interface LambdaHttpEvent {
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  /** v1 only. */
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
  /** v1 only. */
  readonly httpMethod?: string;
  /** v1 only. */
  readonly path?: string;
  /** v1 only. */
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
  /** v2 only. */
  readonly rawPath?: string;
  /** v2 only. */
  readonly rawQueryString?: string;
  readonly requestContext?: {
    readonly domainName?: string;
    readonly http?: { readonly method?: string };
  };
}

/** The proxy result returned to API Gateway / Function URLs. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/**
 * Options of {@link createLambdaWebhookHandler}.
 *
 * @example
 * ```ts
 * const options: LambdaWebhookHandlerOptions = { verifier, onEvent: () => {}, publicUrl: 'https://hooks.example.com/twilio' };
 * ```
 */
export interface LambdaWebhookHandlerOptions<TPayload = unknown> extends WebhookHandlerOptions<TPayload> {
  /**
   * The public URL the provider called, for schemes that sign it. REST (v1) events carry no raw
   * query string, so set it for Twilio/HubSpot/Square behind a v1 API.
   * @defaultValue `https://<domain><rawPath>?<rawQueryString>` (v2), or rebuilt from v1 fields
   */
  readonly publicUrl?: string | ((event: LambdaHttpEvent) => string);
}

function eventHeaders(event: LambdaHttpEvent): Record<string, string | readonly string[] | undefined> {
  const headers: Record<string, string | readonly string[] | undefined> = { ...(event.headers ?? {}) };
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) if (values !== undefined) headers[name] = values;
  return headers;
}

function headerOf(event: LambdaHttpEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * The URL of a Lambda HTTP event.
 *
 * @example
 * ```ts
 * lambdaEventUrl({ rawPath: '/hook', rawQueryString: 'a=1', requestContext: { domainName: 'x.execute-api.aws' } }); // 'https://x.execute-api.aws/hook?a=1'
 * ```
 */
export function lambdaEventUrl(event: LambdaHttpEvent): string {
  const host = event.requestContext?.domainName ?? headerOf(event, 'host') ?? 'localhost';
  if (event.rawPath !== undefined) return `https://${host}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query.append(key, value);
  const search = query.toString();
  return `https://${host}${event.path ?? '/'}${search === '' ? '' : `?${search}`}`;
}

function toResult(response: AdapterResponse): LambdaHttpResult {
  if (typeof response.body === 'string') return { statusCode: response.status, headers: { ...response.headers }, body: response.body, isBase64Encoded: false };
  return { statusCode: response.status, headers: { ...response.headers }, body: encodeBase64(response.body), isBase64Encoded: true };
}

/**
 * Creates an AWS Lambda handler for API Gateway (REST and HTTP APIs) and Function URLs. Base64
 * bodies (`isBase64Encoded`, binary media types) are decoded strictly to the exact bytes; text
 * bodies are verified as API Gateway delivered them. The size limit is checked on the encoded
 * length before decoding.
 *
 * @throws IapError code `INVALID_OPTIONS` when `verifier` or `onEvent` is missing.
 * @example
 * ```ts
 * import { createLambdaWebhookHandler, createWebhookVerifier, slack } from '@iap/webhooks';
 *
 * const verifier = createWebhookVerifier({ provider: slack(), secrets: [process.env.SLACK_SIGNING_SECRET!] });
 * export const handler = createLambdaWebhookHandler({ verifier, onEvent: (event) => console.log(event.type) });
 * ```
 */
export function createLambdaWebhookHandler<TPayload = unknown>(options: LambdaWebhookHandlerOptions<TPayload>): (event: LambdaHttpEvent) => Promise<LambdaHttpResult> {
  checkHandlerOptions('createLambdaWebhookHandler', options);
  const publicUrl = options.publicUrl;
  return async (event) => {
    const maxBodyBytes = options.verifier.maxBodyBytes;
    const raw = event.body ?? '';
    let body: Uint8Array | string;
    if (event.isBase64Encoded === true) {
      if (Math.floor((raw.length * 3) / 4) - 2 > maxBodyBytes) return toResult(tooLargeResponse(maxBodyBytes));
      const decoded = raw === '' ? new Uint8Array(0) : decodeBase64Strict(raw, 'base64', undefined, maxBodyBytes);
      if (decoded === undefined) return toResult(jsonResponse(400, { error: 'malformed_body', message: 'the base64 body (isBase64Encoded) is not valid base64' }));
      body = decoded;
    } else {
      body = raw;
    }
    const url = typeof publicUrl === 'string' ? publicUrl : publicUrl !== undefined ? publicUrl(event) : lambdaEventUrl(event);
    const method = event.requestContext?.http?.method ?? event.httpMethod ?? 'POST';
    return toResult(await processWebhook(options, { body, headers: eventHeaders(event), url, method }));
  };
}
