/**
 * The request flow shared by every adapter: verify, answer a handshake, dedup, run the handler,
 * turn the outcome into a response. Runtime-neutral (no node: imports).
 */
import { ErrorCode, IapError } from '@iap/core';
import type { VerificationFailure } from '../verification-failure.js';
import type { WebhookHandlerOptions, WebhookReply } from '../webhook-handler-options.js';
import type { WebhookRequest } from '../webhook-request.js';
import type { VerifiedWebhook } from '../verified-webhook.js';

/** A response for the adapter to write. */
export interface AdapterResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** A JSON response. */
export function jsonResponse(status: number, value: unknown, extraHeaders: Readonly<Record<string, string>> = {}): AdapterResponse {
  return { status, headers: { ...JSON_TYPE, ...extraHeaders }, body: JSON.stringify(value) };
}

/** The response for a rejected request. */
export function failureResponse(failure: Pick<VerificationFailure, 'status' | 'reason' | 'message'>): AdapterResponse {
  const extra: Record<string, string> = failure.reason === 'body_too_large' ? { connection: 'close' } : {};
  return jsonResponse(failure.status, { error: failure.reason, message: failure.message }, extra);
}

/** The 413 response for a body over `maxBodyBytes`, before it is buffered. */
export function tooLargeResponse(maxBodyBytes: number): AdapterResponse {
  return failureResponse({ status: 413, reason: 'body_too_large', message: `the body is larger than maxBodyBytes (${maxBodyBytes} bytes)` });
}

/**
 * Validates adapter options.
 * @throws IapError `INVALID_OPTIONS` naming the adapter and the option.
 */
export function checkHandlerOptions<TPayload>(where: string, options: WebhookHandlerOptions<TPayload>): void {
  if (typeof options !== 'object' || options === null) throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: options must be an object`);
  if (typeof options.verifier?.verify !== 'function') throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: verifier must come from createWebhookVerifier or createEdgeWebhookVerifier`);
  if (typeof options.onEvent !== 'function') throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: onEvent must be a function`);
}

function toResponse(reply: WebhookReply | void): AdapterResponse {
  if (reply === undefined) return { status: 200, headers: {}, body: '' };
  return { status: reply.status ?? 200, headers: { ...(reply.headers ?? {}) }, body: reply.body ?? '' };
}

function isPayloadError(error: unknown): boolean {
  return IapError.isInstance(error) && (error.code === ErrorCode.DECODE || error.code === ErrorCode.VALIDATION);
}

/**
 * Verifies and handles one request.
 * @throws WebhookBodyParsedError when the adapter passed a parsed body (a wiring bug the adapter reports).
 */
export async function processWebhook<TPayload>(options: WebhookHandlerOptions<TPayload>, request: WebhookRequest): Promise<AdapterResponse> {
  const result = await options.verifier.verify(request);
  if (!result.ok) return failureResponse(result);
  const event: VerifiedWebhook<TPayload> = result;
  if (options.answerHandshakes ?? true) {
    const handshake = await options.verifier.handshake(event);
    if (handshake !== undefined) return handshake;
  }
  try {
    if (options.deduplicator === undefined) return toResponse(await options.onEvent(event));
    const outcome = await options.deduplicator.run(event, () => options.onEvent(event));
    if (outcome.status === 'processed') return toResponse(outcome.value);
    if (outcome.status === 'duplicate') return jsonResponse(200, { duplicate: true });
    return jsonResponse(409, { error: 'in_progress', message: 'this delivery id is being processed by another worker; retry later' });
  } catch (error) {
    options.onError?.(error, event);
    if (isPayloadError(error)) return jsonResponse(400, { error: 'invalid_payload', message: 'the verified payload could not be parsed or does not match the schema' });
    return jsonResponse(500, { error: 'handler_failed' });
  }
}
