import { ErrorCode, IapError } from '@iap/core';
import { defineProvider, type SignatureFormat } from '../internal/declarative-provider.js';
import { utf8SecretKey } from '../internal/key-formats.js';
import { decodeBase64Strict } from '../internal/strict-base64.js';
import { decodeHexStrict } from '../internal/strict-hex.js';
import type { FieldSource, TimestampUnit, WebhookKey, WebhookProvider } from '../webhook-provider.js';
import type { WebhookSecret } from '../webhook-secret.js';

/**
 * Options of {@link genericHmac}: every choice a custom HMAC scheme makes.
 *
 * @example
 * ```ts
 * const options: GenericHmacOptions = { name: 'erp', header: 'x-erp-signature', prefix: 'sha256=' };
 * ```
 */
export interface GenericHmacOptions {
  /** Provider name for results and messages. */
  readonly name: string;
  /** Header carrying the signature (any case). */
  readonly header: string;
  /** HMAC hash. @defaultValue `'sha256'` */
  readonly algorithm?: 'sha1' | 'sha256' | 'sha512';
  /** Signature encoding. @defaultValue `'hex'` */
  readonly encoding?: 'hex' | 'base64' | 'base64url';
  /** Text before the signature in the header, e.g. `sha256=`. @defaultValue `''` */
  readonly prefix?: string;
  /**
   * Several signatures in one header separated by this string (each with `prefix`), all tried.
   * @defaultValue one signature per header
   */
  readonly separator?: string;
  /**
   * What is signed: literal text with `{body}`, `{timestamp}`, `{id}`, `{method}`, `{url}`.
   * @defaultValue `'{body}'`
   */
  readonly signedContent?: string;
  /** Where the signed timestamp is, and its unit. @defaultValue none (no replay protection) */
  readonly timestamp?: { readonly header: string; readonly unit: TimestampUnit };
  /** Default max age of the timestamp, ms. @defaultValue `300_000` */
  readonly maxAgeMs?: number;
  /** Default max future skew of the timestamp, ms. @defaultValue `60_000` */
  readonly maxFutureSkewMs?: number;
  /** Header with the delivery id (signed as `{id}` when the template uses it, and the dedup key). @defaultValue none */
  readonly idHeader?: string;
  /** Where the event type is: a header name or a dotted payload path. @defaultValue none */
  readonly eventType?: { readonly header: string } | { readonly path: string };
  /** How string secrets are read. @defaultValue `'utf8'` */
  readonly secretEncoding?: 'utf8' | 'hex' | 'base64';
}

function invalid(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `genericHmac: ${message}`);
}

function secretParser(encoding: 'utf8' | 'hex' | 'base64'): (secret: WebhookSecret) => WebhookKey {
  if (encoding === 'utf8') return utf8SecretKey;
  return (secret) => {
    if (typeof secret !== 'string') return utf8SecretKey(secret);
    const bytes = encoding === 'hex' ? decodeHexStrict(secret.trim()) : decodeBase64Strict(secret.trim(), 'base64', undefined, 1024);
    if (bytes === undefined) throw new Error(`the secret must be ${encoding}`);
    return { kind: 'symmetric', bytes };
  };
}

function headerName(option: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) throw invalid(`${option} must be an HTTP header name`);
  return value.toLowerCase();
}

/**
 * A custom HMAC scheme, for senders without a built-in entry: Salesforce (Data Cloud / Apex
 * callouts signed with `Crypto.generateMac`), ServiceNow scripted REST signing, your own ERP.
 * Header, hash, encoding, prefix, signed-content template, timestamp header and unit are options.
 * What it signs is exactly what `signedContent` says.
 *
 * @throws IapError code `INVALID_OPTIONS` for a bad header name, algorithm, encoding, template
 * (unknown placeholder, `{timestamp}` without `timestamp`, `{id}` without `idHeader`) or window.
 * @example
 * ```ts
 * // ServiceNow business rule: GlideCertificateEncryption HMAC-SHA256 of "<timestamp>.<body>", base64
 * const provider = genericHmac({
 *   name: 'servicenow',
 *   header: 'x-sn-signature',
 *   encoding: 'base64',
 *   signedContent: '{timestamp}.{body}',
 *   timestamp: { header: 'x-sn-timestamp', unit: 'seconds' },
 * });
 * ```
 */
export function genericHmac(options: GenericHmacOptions): WebhookProvider {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  if (typeof options.name !== 'string' || options.name.length === 0) throw invalid('name must be a non-empty string');
  const header = headerName('header', options.header);
  const hash = options.algorithm ?? 'sha256';
  if (hash !== 'sha1' && hash !== 'sha256' && hash !== 'sha512') throw invalid("algorithm must be 'sha1', 'sha256' or 'sha512'");
  const encoding = options.encoding ?? 'hex';
  if (encoding !== 'hex' && encoding !== 'base64' && encoding !== 'base64url') throw invalid("encoding must be 'hex', 'base64' or 'base64url'");
  const secretEncoding = options.secretEncoding ?? 'utf8';
  if (secretEncoding !== 'utf8' && secretEncoding !== 'hex' && secretEncoding !== 'base64') throw invalid("secretEncoding must be 'utf8', 'hex' or 'base64'");
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  const maxFutureSkewMs = options.maxFutureSkewMs ?? 60_000;
  if (!(maxAgeMs >= 0) || !(maxFutureSkewMs >= 0)) throw invalid('maxAgeMs and maxFutureSkewMs must be non-negative numbers');
  const timestamp = options.timestamp;
  if (timestamp !== undefined && timestamp.unit !== 'seconds' && timestamp.unit !== 'milliseconds' && timestamp.unit !== 'rfc3339') {
    throw invalid("timestamp.unit must be 'seconds', 'milliseconds' or 'rfc3339'");
  }
  const algorithm = `hmac-${hash}` as const;
  const prefix = options.prefix ?? '';
  const format: SignatureFormat =
    options.separator === undefined
      ? { kind: 'single', prefix, algorithm, encoding }
      : { kind: 'list', itemSeparator: options.separator, versionSeparator: prefix === '' ? '=' : prefix.slice(-1), versions: { [prefix.slice(0, -1)]: { algorithm, encoding } } };
  if (options.separator !== undefined && prefix.length < 2) throw invalid('separator needs a prefix such as "v1=" (version, then a one-character separator)');
  const idHeader = options.idHeader === undefined ? undefined : headerName('idHeader', options.idHeader);
  let eventType: FieldSource | undefined;
  if (options.eventType !== undefined) {
    eventType = 'header' in options.eventType ? { from: 'header', headers: [headerName('eventType.header', options.eventType.header)] } : { from: 'payload', paths: [options.eventType.path] };
  }
  const parse = secretParser(secretEncoding);
  try {
    return defineProvider({
      name: options.name,
      signatures: [{ headers: [header], format }],
      signedContent: options.signedContent ?? '{body}',
      ...(timestamp === undefined ? {} : { timestamp: { headers: [headerName('timestamp.header', timestamp.header)], unit: timestamp.unit }, window: { maxAgeMs, maxFutureSkewMs } }),
      ...(idHeader === undefined ? {} : { idHeaders: [idHeader], id: { from: 'header', headers: [idHeader] } }),
      ...(eventType === undefined ? {} : { eventType }),
      verificationKey: parse,
      signingKey: parse,
    });
  } catch (error) {
    if (IapError.isInstance(error)) throw error;
    throw invalid(error instanceof Error ? error.message : 'inconsistent options');
  }
}
