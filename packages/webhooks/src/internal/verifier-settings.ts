import { ErrorCode, IapError, isStandardSchema, systemClock, type Clock, type StandardSchemaV1 } from '@iap/core';
import type { WebhookKey, WebhookProvider } from '../webhook-provider.js';
import type { WebhookSecret } from '../webhook-secret.js';
import type { WebhookVerifierOptions } from '../webhook-verifier-options.js';
import type { PayloadSettings } from './verified-webhook-impl.js';

/** Default `maxBodyBytes`: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;
/** Fallback window for providers that document none. */
const FALLBACK_MAX_AGE_MS = 300_000;
const FALLBACK_MAX_FUTURE_SKEW_MS = 60_000;

/** Every verifier option resolved, validated, with keys parsed: the one place defaults live. */
export interface VerifierSettings {
  readonly provider: WebhookProvider;
  readonly keys: readonly WebhookKey[];
  readonly maxAgeMs: number;
  readonly maxFutureSkewMs: number;
  readonly maxBodyBytes: number;
  readonly allowWeakSchemes: boolean;
  readonly clock: Clock;
  readonly payload: PayloadSettings;
}

function invalid(where: string, message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `${where}: ${message}`);
}

function checkDuration(where: string, name: string, value: number | undefined): void {
  if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value) || value < 0)) {
    throw invalid(where, `${name} must be a non-negative number of milliseconds (or Infinity)`);
  }
}

/** Normalises `secrets` to a non-empty list. */
export function secretList(where: string, secrets: WebhookSecret | readonly WebhookSecret[] | undefined): readonly WebhookSecret[] {
  const list = typeof secrets === 'string' || secrets instanceof Uint8Array ? [secrets] : secrets;
  if (!Array.isArray(list) || list.length === 0) throw invalid(where, 'secrets must be a secret or a non-empty list of secrets');
  return list as readonly WebhookSecret[];
}

/** Parses every secret with `parse`, naming the index of a bad one (never its value). */
export function parseKeys(where: string, secrets: readonly WebhookSecret[], parse: (secret: WebhookSecret) => WebhookKey): WebhookKey[] {
  return secrets.map((secret, index) => {
    if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) throw invalid(where, `secrets[${index}] must be a string or a Uint8Array`);
    try {
      return parse(secret);
    } catch (error) {
      throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: secrets[${index}] is invalid: ${error instanceof Error ? error.message : 'unreadable'}`);
    }
  });
}

/**
 * Resolves verifier options.
 * @throws IapError `INVALID_OPTIONS` naming the bad option.
 */
export function resolveVerifierSettings(where: string, options: WebhookVerifierOptions<StandardSchemaV1 | undefined>): VerifierSettings {
  if (typeof options !== 'object' || options === null) throw invalid(where, 'options must be an object');
  const provider = options.provider;
  if (typeof provider !== 'object' || provider === null || typeof provider.prepare !== 'function') {
    throw invalid(where, 'provider must be a provider entry such as github() or stripe()');
  }
  checkDuration(where, 'maxAgeMs', options.maxAgeMs);
  checkDuration(where, 'maxFutureSkewMs', options.maxFutureSkewMs);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) throw invalid(where, 'maxBodyBytes must be a positive integer');
  if (options.schema !== undefined && !isStandardSchema(options.schema)) throw invalid(where, 'schema must implement Standard Schema (~standard)');
  const protoAction = options.protoAction ?? 'remove';
  if (protoAction !== 'remove' && protoAction !== 'error') throw invalid(where, "protoAction must be 'remove' or 'error'");
  const keys = parseKeys(where, secretList(where, options.secrets), (secret) => provider.parseVerificationKey(secret));
  return {
    provider,
    keys,
    maxAgeMs: options.maxAgeMs ?? provider.window?.maxAgeMs ?? FALLBACK_MAX_AGE_MS,
    maxFutureSkewMs: options.maxFutureSkewMs ?? provider.window?.maxFutureSkewMs ?? FALLBACK_MAX_FUTURE_SKEW_MS,
    maxBodyBytes,
    allowWeakSchemes: options.allowWeakSchemes ?? false,
    clock: options.clock ?? systemClock,
    payload: { provider, schema: options.schema, protoAction },
  };
}
