/**
 * Builds a {@link WebhookProvider} from a declarative entry: which headers carry signatures and in
 * what format, which algorithm and encoding, what is signed (a template), where the timestamp, id
 * and event type are. Every provider file is such an entry; the few schemes that need more (Twilio,
 * HubSpot, Mailgun) reuse the pieces exported here.
 */
import { uuidv7 } from '@iap/core';
import type {
  FieldSource,
  HandshakeEvent,
  HandshakeSpec,
  PrepareFailure,
  SignatureAlgorithm,
  SignatureCandidate,
  SignedTimestamp,
  SigningPlan,
  SignInput,
  TimestampWindow,
  VerificationPlan,
  WebhookKey,
  WebhookProvider,
  WebhookRequestView,
} from '../webhook-provider.js';
import type { WebhookSecret } from '../webhook-secret.js';
import { signingKeyKind } from './algorithms.js';
import { compileTemplate, type TemplateField } from './signed-content-template.js';
import { decodeSignature, encodeSignature, type SignatureEncoding } from './signature-encoding.js';
import { formatTimestamp, parseTimestamp, type TimestampUnit } from './strict-timestamp.js';

/** One signature version inside a list header (`v1`, `v1a`, `h1`). */
export interface SignatureVersion {
  readonly algorithm: SignatureAlgorithm;
  readonly encoding: SignatureEncoding;
}

/**
 * How a header carries signatures. `single`: one signature after an optional prefix (`sha256=`).
 * `list`: items split by `itemSeparator`, each `version<versionSeparator>signature`; unknown
 * versions are ignored; `timestampKey` names the item carrying the timestamp (Stripe `t`, Paddle `ts`).
 */
export type SignatureFormat =
  | ({ readonly kind: 'single'; readonly prefix?: string } & SignatureVersion)
  | {
      readonly kind: 'list';
      readonly itemSeparator: string;
      readonly versionSeparator: string;
      readonly versions: Readonly<Record<string, SignatureVersion>>;
      readonly timestampKey?: string;
    };

/** A header carrying signatures. */
export interface SignatureSource {
  /** Header names (lower case), first present wins. */
  readonly headers: readonly string[];
  readonly format: SignatureFormat;
  /** Set when this scheme is weak: why. */
  readonly weak?: string;
}

/** Where the signed timestamp is. */
export type TimestampSpec =
  | { readonly headers: readonly string[]; readonly unit: TimestampUnit }
  | { readonly signatureKey: true; readonly unit: TimestampUnit };

/** A declarative provider entry. */
export interface ProviderSpec {
  readonly name: string;
  /** Signature headers, in order of preference: the first one present is used. */
  readonly signatures: readonly SignatureSource[];
  /** What is signed, e.g. `{timestamp}.{body}`. */
  readonly signedContent: string;
  readonly timestamp?: TimestampSpec;
  /** Headers carrying the `{id}` of the template (first present wins). */
  readonly idHeaders?: readonly string[];
  /** Fixed URL for `{url}` (e.g. Square's notification URL); else the request URL. */
  readonly url?: string;
  /** Normalises the URL before it is signed (HubSpot v3 decodes some characters). */
  readonly urlTransform?: (url: string) => string;
  readonly window?: TimestampWindow;
  readonly bodyFormat?: 'json' | 'form' | 'auto';
  readonly id?: FieldSource;
  readonly eventType?: FieldSource;
  readonly payloadTimestamp?: { readonly path: string; readonly unit: TimestampUnit };
  readonly verificationKey: (secret: WebhookSecret) => WebhookKey;
  readonly signingKey: (secret: WebhookSecret) => WebhookKey;
  readonly handshake?: (event: HandshakeEvent) => HandshakeSpec | undefined;
}

/**
 * Longest signed delivery id (`webhook-id`, `svix-id`, Twitch message id), in UTF-16 code units.
 * The id becomes the dedup key kept in the IdempotencyStore and appears in results and logs, so an
 * unbounded header would let one sender fill a store with arbitrarily large keys. Senders' ids are
 * far shorter (Svix: `msg_` + 27 characters). Documented in the README under "Failure modes".
 */
export const MAX_SIGNED_ID_LENGTH = 256;

/** Most signatures read from one header; more is treated as malformed (bounds the work per request). */
const MAX_CANDIDATES = 16;

/** Trims HTTP optional whitespace (spaces and tabs). */
function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** A `missing_header` failure. */
export function missing(message: string): PrepareFailure {
  return { ok: false, reason: 'missing_header', message };
}

/** A `malformed_header` failure. */
export function malformed(message: string): PrepareFailure {
  return { ok: false, reason: 'malformed_header', message };
}

/** The index in `names` of the first header present, or -1. */
function firstHeaderIndex(request: WebhookRequestView, names: readonly string[]): number {
  for (let i = 0; i < names.length; i++) if (request.header(names[i]!) !== undefined) return i;
  return -1;
}

/** The value of the first present header of `names`. */
function firstHeaderValue(request: WebhookRequestView, names: readonly string[]): string | undefined {
  for (let i = 0; i < names.length; i++) {
    const value = request.header(names[i]!);
    if (value !== undefined) return value;
  }
  return undefined;
}

interface ParsedSignatures {
  readonly candidates: SignatureCandidate[];
  readonly timestampText: string | undefined;
}

function describeVersion(version: SignatureVersion): string {
  return `${version.encoding} ${version.algorithm}`;
}

function isOws(code: number): boolean {
  return code === 32 || code === 9;
}

/** The version entry named by `value[start, end)`, without slicing or hashing the name. */
function findVersion(format: Extract<SignatureFormat, { kind: 'list' }>, names: readonly string[], value: string, start: number, end: number): SignatureVersion | undefined {
  const length = end - start;
  for (const name of names) {
    if (name.length === length && value.startsWith(name, start)) return format.versions[name];
  }
  return undefined;
}

/**
 * Reads the signatures of one header according to its format. `names`: the format's version names
 * (`Object.keys(format.versions)`), computed once per provider rather than per request.
 */
export function parseSignatureHeader(value: string, format: SignatureFormat, header: string, names: readonly string[] = versionNames(format)): ParsedSignatures | PrepareFailure {
  if (format.kind === 'single') {
    const trimmed = trimOws(value);
    const prefix = format.prefix ?? '';
    if (!trimmed.startsWith(prefix)) return malformed(`header ${header} must start with "${prefix}"`);
    const bytes = decodeSignature(trimmed, format.algorithm, format.encoding, prefix.length);
    if (bytes === undefined) return malformed(`header ${header} is not a ${describeVersion(format)} signature of the expected length`);
    return { candidates: [{ algorithm: format.algorithm, bytes }], timestampText: undefined };
  }
  // Scanned by hand: no split array, no sliced keys to hash (this runs on every request).
  const { itemSeparator, versionSeparator, timestampKey } = format;
  const candidates: SignatureCandidate[] = [];
  let timestampText: string | undefined;
  let undecodable = 0;
  let items = 0;
  for (let position = 0; position <= value.length; ) {
    let end = value.indexOf(itemSeparator, position);
    if (end < 0) end = value.length;
    let start = position;
    let stop = end;
    while (start < stop && isOws(value.charCodeAt(start))) start++;
    while (stop > start && isOws(value.charCodeAt(stop - 1))) stop--;
    position = end + itemSeparator.length;
    if (start === stop) continue;
    if (++items > MAX_CANDIDATES * 2) return malformed(`header ${header} has more than ${MAX_CANDIDATES * 2} items`);
    const separator = value.indexOf(versionSeparator, start);
    if (separator <= start || separator >= stop) return malformed(`header ${header} has an item without "${versionSeparator}"`);
    const textStart = separator + versionSeparator.length;
    if (timestampKey !== undefined && separator - start === timestampKey.length && value.startsWith(timestampKey, start)) {
      if (timestampText !== undefined) return malformed(`header ${header} has more than one "${timestampKey}" timestamp`);
      timestampText = value.slice(textStart, stop);
      continue;
    }
    const version = findVersion(format, names, value, start, separator);
    if (version === undefined) continue;
    const bytes = decodeSignature(value, version.algorithm, version.encoding, textStart, stop);
    if (bytes === undefined) {
      undecodable++;
      continue;
    }
    candidates.push({ algorithm: version.algorithm, bytes });
  }
  if (candidates.length > MAX_CANDIDATES) return malformed(`header ${header} has more than ${MAX_CANDIDATES} signatures`);
  if (candidates.length === 0) {
    const described = names.join('/');
    return malformed(
      undecodable > 0
        ? `header ${header}: no ${described} signature decodes strictly to the expected length`
        : `header ${header} has no ${described} signature`,
    );
  }
  return { candidates, timestampText };
}

/** Reads a timestamp text in `unit`, reporting failures against `source`. */
export function readTimestamp(text: string | undefined, unit: TimestampUnit, source: string): SignedTimestamp | PrepareFailure {
  if (text === undefined) return missing(`timestamp ${source} is missing`);
  const ms = parseTimestamp(text, unit);
  if (ms === undefined) {
    const expected = unit === 'rfc3339' ? 'an RFC 3339 date-time' : `an integer number of ${unit} (digits only)`;
    return malformed(`timestamp ${source} must be ${expected}`);
  }
  return { source, ms };
}

/** The version names of a list format (none for a single signature). */
function versionNames(format: SignatureFormat): readonly string[] {
  return format.kind === 'list' ? Object.keys(format.versions) : [];
}

/** The versions a source offers, as (name, version) pairs. */
function versionsOf(format: SignatureFormat): Array<[string, SignatureVersion]> {
  return format.kind === 'single' ? [['', format]] : Object.entries(format.versions);
}

/** Builds the provider for a declarative entry. @throws Error when the entry is inconsistent. */
export function defineProvider(spec: ProviderSpec): WebhookProvider {
  const template = compileTemplate(spec.signedContent);
  if (template.fields.has('timestamp') && spec.timestamp === undefined) throw new Error(`${spec.name}: {timestamp} is signed but no timestamp source is given`);
  if (template.fields.has('id') && spec.idHeaders === undefined) throw new Error(`${spec.name}: {id} is signed but no id header is given`);
  const timestamp = spec.timestamp;
  const timestampUnit = timestamp?.unit;
  const allSignatureHeaders = spec.signatures.flatMap((source) => source.headers);
  const sourceVersionNames = spec.signatures.map((source) => versionNames(source.format));

  // Messages and timestamp sources are built once here, not per request.
  const missingSignature = `signature header ${allSignatureHeaders.join(' or ')} is missing`;
  const timestampSources = spec.signatures.map((source) =>
    timestamp === undefined
      ? ''
      : 'signatureKey' in timestamp
        ? `"${source.format.kind === 'list' ? (source.format.timestampKey ?? 't') : 't'}" in header ${source.headers[0]!}`
        : `header ${timestamp.headers.join(' or ')}`,
  );
  const needsId = spec.idHeaders !== undefined && template.fields.has('id');
  const needsUrl = template.fields.has('url');
  const needsMethod = template.fields.has('method');

  function prepare(request: WebhookRequestView): VerificationPlan | PrepareFailure {
    let sourceIndex = -1;
    let headerName = '';
    let headerValue: string | undefined;
    for (let i = 0; i < spec.signatures.length && headerValue === undefined; i++) {
      for (const name of spec.signatures[i]!.headers) {
        headerValue = request.header(name);
        if (headerValue !== undefined) {
          sourceIndex = i;
          headerName = name;
          break;
        }
      }
    }
    if (headerValue === undefined) return missing(missingSignature);
    const source = spec.signatures[sourceIndex]!;
    const parsed = parseSignatureHeader(headerValue, source.format, headerName, sourceVersionNames[sourceIndex]);
    if ('ok' in parsed) return parsed;

    const values: Partial<Record<TemplateField, string>> = {};
    let signedTimestamp: SignedTimestamp | undefined;
    if (timestamp !== undefined) {
      const text = 'signatureKey' in timestamp ? parsed.timestampText : firstHeaderValue(request, timestamp.headers);
      const read = readTimestamp(text, timestamp.unit, timestampSources[sourceIndex]!);
      if ('ok' in read) return read;
      signedTimestamp = read;
      values.timestamp = text!;
    }
    if (needsId) {
      const id = firstHeaderValue(request, spec.idHeaders);
      if (id === undefined) return missing(`id header ${spec.idHeaders.join(' or ')} is missing`);
      if (id.length === 0 || id.length > MAX_SIGNED_ID_LENGTH) {
        return malformed(`id header ${spec.idHeaders[firstHeaderIndex(request, spec.idHeaders)]!} must have 1 to ${MAX_SIGNED_ID_LENGTH} characters`);
      }
      values.id = id;
    }
    if (needsUrl) {
      const url = spec.url ?? request.url;
      if (url === undefined) return missing(`${spec.name} signs the request URL: pass \`url\` with the request (the full public URL the provider called)`);
      values.url = spec.urlTransform === undefined ? url : spec.urlTransform(url);
    }
    if (needsMethod) values.method = request.method;
    return {
      ok: true,
      content: template.render(values),
      candidates: parsed.candidates,
      timestamp: signedTimestamp,
      weak: source.weak,
    };
  }

  function prepareSigning(input: SignInput, key: WebhookKey, nowMs: number): SigningPlan {
    // Prefer a scheme that is not weak; a provider whose only scheme is weak (GitLab) signs with it.
    const ordered = [...spec.signatures.filter((source) => source.weak === undefined), ...spec.signatures.filter((source) => source.weak !== undefined)];
    let chosen: { source: SignatureSource; name: string; version: SignatureVersion } | undefined;
    for (const source of ordered) {
      for (const [name, version] of versionsOf(source.format)) {
        if (signingKeyKind(version.algorithm) === key.kind) {
          chosen = { source, name, version };
          break;
        }
      }
      if (chosen !== undefined) break;
    }
    if (chosen === undefined) throw new Error(`${spec.name} has no signature scheme for a ${key.kind} key`);
    const { source, name, version } = chosen;
    const values: Partial<Record<TemplateField, string>> = {};
    const headers: Record<string, string> = {};
    let timestampText: string | undefined;
    if (timestampUnit !== undefined) {
      timestampText = formatTimestamp(input.timestampMs ?? nowMs, timestampUnit);
      values.timestamp = timestampText;
      if (timestamp !== undefined && 'headers' in timestamp) headers[timestamp.headers[0]!] = timestampText;
    }
    if (spec.idHeaders !== undefined) {
      const id = input.id ?? `msg_${uuidv7()}`;
      values.id = id;
      headers[spec.idHeaders[0]!] = id;
    }
    if (template.fields.has('url')) {
      const url = spec.url ?? input.url;
      if (url === undefined) throw new Error(`${spec.name} signs the URL: pass \`url\``);
      values.url = spec.urlTransform === undefined ? url : spec.urlTransform(url);
    }
    if (template.fields.has('method')) values.method = (input.method ?? 'POST').toUpperCase();
    const content = template.render(values);
    return {
      algorithm: version.algorithm,
      needsBodySha256: false,
      content: () => content,
      finish(signature) {
        const encoded = encodeSignature(signature, version.encoding);
        let value: string;
        if (source.format.kind === 'single') value = (source.format.prefix ?? '') + encoded;
        else {
          const items = [`${name}${source.format.versionSeparator}${encoded}`];
          if (source.format.timestampKey !== undefined && timestampText !== undefined) {
            items.unshift(`${source.format.timestampKey}${source.format.versionSeparator}${timestampText}`);
          }
          value = items.join(source.format.itemSeparator);
        }
        headers[source.headers[0]!] = value;
        return { headers: { ...headers }, body: input.body };
      },
    };
  }

  const provider: WebhookProvider = {
    name: spec.name,
    window: spec.window,
    bodyFormat: spec.bodyFormat ?? 'json',
    id: spec.id,
    eventType: spec.eventType,
    ...(spec.payloadTimestamp === undefined ? {} : { payloadTimestamp: spec.payloadTimestamp }),
    parseVerificationKey: spec.verificationKey,
    parseSigningKey: spec.signingKey,
    prepare,
    prepareSigning,
    ...(spec.handshake === undefined ? {} : { handshake: spec.handshake }),
  };
  return Object.freeze(provider);
}
