/**
 * The runtime-neutral steps around the crypto: body limit, provider parsing, weak-scheme policy
 * before it; payload timestamp and window check after it. The Node and WebCrypto verifiers run the
 * same steps and differ only in how signatures are computed.
 */
import { verificationFailure, type VerificationFailure, type VerificationFailureReason } from '../verification-failure.js';
import type { VerificationResult } from '../verified-webhook.js';
import type { VerificationPlan } from '../webhook-provider.js';
import type { WebhookRequest } from '../webhook-request.js';
import { WebhookBodyParsedError } from '../webhook-body-parsed-error.js';
import { RequestView } from './request-view.js';
import { parseTimestamp } from './strict-timestamp.js';
import { exceedsByteLimit } from './utf8-length.js';
import { readPath, VerifiedWebhookImpl } from './verified-webhook-impl.js';
import type { VerifierSettings } from './verifier-settings.js';

/** A request that passed parsing and policy: ready for the crypto. */
export interface StartedVerification {
  readonly ok: true;
  readonly view: RequestView;
  readonly plan: VerificationPlan;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fail(settings: VerifierSettings, reason: VerificationFailureReason, message: string): VerificationFailure {
  return verificationFailure(settings.provider.name, reason, message);
}

/**
 * Checks the body, lets the provider read the request, applies the weak-scheme policy.
 * @throws WebhookBodyParsedError when the body is neither bytes nor a string.
 */
export function startVerification(settings: VerifierSettings, request: WebhookRequest): StartedVerification | VerificationFailure {
  const body: unknown = request.body;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) throw new WebhookBodyParsedError(`${settings.provider.name} verify()`, describeType(body));
  if (exceedsByteLimit(body, settings.maxBodyBytes)) return fail(settings, 'body_too_large', `the body is larger than maxBodyBytes (${settings.maxBodyBytes} bytes)`);
  const view = new RequestView(request);
  const plan = settings.provider.prepare(view);
  if (!plan.ok) return fail(settings, plan.reason, plan.message);
  if (plan.weak !== undefined && !settings.allowWeakSchemes) {
    return fail(settings, 'weak_scheme_disabled', `${plan.weak}; set allowWeakSchemes: true to accept it`);
  }
  return { ok: true, view, plan };
}

/** The failure for a request whose signatures matched no secret. */
export function mismatch(settings: VerifierSettings): VerificationFailure {
  return fail(settings, 'mismatch', 'no signature matches any configured secret (is the body the exact raw bytes received?)');
}

/** Builds the event for a matched request and checks its timestamp against the window. */
export function finishVerification<TPayload>(settings: VerifierSettings, started: StartedVerification, secretIndex: number): VerificationResult<TPayload> {
  const { view, plan } = started;
  let timestampMs = plan.timestamp?.ms;
  let source = plan.timestamp?.source;
  const event = new VerifiedWebhookImpl<TPayload>(view, settings.payload, secretIndex, timestampMs, plan.weak);
  const payloadTimestamp = settings.provider.payloadTimestamp;
  if (payloadTimestamp !== undefined) {
    const value = readPath(event.payloadOrUndefined(), payloadTimestamp.path);
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value : undefined;
    timestampMs = text === undefined ? undefined : parseTimestamp(text, payloadTimestamp.unit);
    source = `payload field ${payloadTimestamp.path}`;
    if (timestampMs === undefined) return fail(settings, 'malformed_header', `the signed ${source} is missing or not an integer number of ${payloadTimestamp.unit}`);
    event.timestamp = timestampMs;
    return checkWindow(settings, event, timestampMs, source);
  }
  if (timestampMs === undefined) return event;
  return checkWindow(settings, event, timestampMs, source ?? 'timestamp');
}

function checkWindow<TPayload>(settings: VerifierSettings, event: VerifiedWebhookImpl<TPayload>, timestampMs: number, source: string): VerificationResult<TPayload> {
  const now = settings.clock.now();
  if (now - timestampMs > settings.maxAgeMs) {
    return fail(settings, 'too_old', `${source} is older than maxAgeMs (${settings.maxAgeMs} ms): a replay or a long delay`);
  }
  if (timestampMs - now > settings.maxFutureSkewMs) {
    return fail(settings, 'in_future', `${source} is further ahead than maxFutureSkewMs (${settings.maxFutureSkewMs} ms)`);
  }
  return event;
}
