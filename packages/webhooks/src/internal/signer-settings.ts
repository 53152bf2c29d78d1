import { ErrorCode, IapError, systemClock, type Clock } from '@iap/core';
import type { SigningPlan, SignInput, WebhookKey, WebhookProvider } from '../webhook-provider.js';
import type { WebhookSignerOptions } from '../webhook-signer.js';
import { parseKeys } from './verifier-settings.js';

/** Signer options resolved and validated. */
export interface SignerSettings {
  readonly provider: WebhookProvider;
  readonly key: WebhookKey;
  readonly clock: Clock;
}

/** @throws IapError `INVALID_OPTIONS`. */
export function resolveSignerSettings(where: string, options: WebhookSignerOptions): SignerSettings {
  if (typeof options !== 'object' || options === null) throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: options must be an object`);
  const provider = options.provider;
  if (typeof provider !== 'object' || provider === null || typeof provider.prepareSigning !== 'function') {
    throw new IapError(ErrorCode.INVALID_OPTIONS, `${where}: provider must be a provider entry such as github() or stripe()`);
  }
  const [key] = parseKeys(where, [options.secret], (secret) => provider.parseSigningKey(secret));
  return { provider, key: key!, clock: options.clock ?? systemClock };
}

/** Asks the provider for a signing plan. @throws IapError `INVALID_OPTIONS` for unusable input. */
export function planSigning(settings: SignerSettings, input: SignInput): SigningPlan {
  const body: unknown = input?.body;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, `${settings.provider.name} sign(): body must be a string or a Uint8Array`);
  }
  try {
    return settings.provider.prepareSigning(input, settings.key, settings.clock.now());
  } catch (error) {
    throw new IapError(ErrorCode.INVALID_OPTIONS, `${settings.provider.name} sign(): ${error instanceof Error ? error.message : 'unusable input'}`, { cause: error });
  }
}
