import { ErrorCode, IapError, validateWithSchema, ValidationError, type StandardSchemaV1 } from '@iap/core';
import type { VerifiedWebhook } from '../verified-webhook.js';
import type { FieldSource, HandshakeEvent, WebhookProvider } from '../webhook-provider.js';
import type { WebhookBody } from '../webhook-request.js';
import type { RequestView } from './request-view.js';
import { parseFormSafely, parseJsonSafely, type ProtoAction } from './safe-json.js';

/** How verified payloads are parsed; shared by every event of one verifier. */
export interface PayloadSettings {
  readonly provider: WebhookProvider;
  readonly schema: StandardSchemaV1 | undefined;
  readonly protoAction: ProtoAction;
}

const NOT_PARSED: unique symbol = Symbol('not parsed');

function isFormBody(provider: WebhookProvider, contentType: string | undefined): boolean {
  if (provider.bodyFormat !== 'auto') return provider.bodyFormat === 'form';
  return contentType !== undefined && contentType.toLowerCase().includes('application/x-www-form-urlencoded');
}

/** Reads an own property path (`a.b.c`) from a parsed payload. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function asFieldText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The verified event. Id, type and payload are computed on first access. */
export class VerifiedWebhookImpl<TPayload> implements VerifiedWebhook<TPayload>, HandshakeEvent {
  readonly ok = true as const;
  readonly secretIndex: number;
  /** Set once by the pipeline (payload timestamps are read after the signature); read-only to users. */
  timestamp: number | undefined;
  readonly weakScheme: string | undefined;
  readonly #view: RequestView;
  readonly #settings: PayloadSettings;
  #raw: unknown = NOT_PARSED;
  #validated: unknown = NOT_PARSED;

  constructor(view: RequestView, settings: PayloadSettings, secretIndex: number, timestamp: number | undefined, weakScheme: string | undefined) {
    this.#view = view;
    this.#settings = settings;
    this.secretIndex = secretIndex;
    this.timestamp = timestamp;
    this.weakScheme = weakScheme;
  }

  get provider(): string {
    return this.#settings.provider.name;
  }

  get replayProtected(): boolean {
    return this.timestamp !== undefined;
  }

  get body(): WebhookBody {
    return this.#view.body;
  }

  get id(): string | undefined {
    return this.#field(this.#settings.provider.id);
  }

  get type(): string | undefined {
    return this.#field(this.#settings.provider.eventType);
  }

  header(name: string): string | undefined {
    return this.#view.header(name.toLowerCase());
  }

  text(): string {
    const text = this.#view.text();
    if (text === undefined) throw new IapError(ErrorCode.DECODE, `${this.provider} webhook body is not valid UTF-8`);
    return text;
  }

  /** The parsed payload without schema validation. @throws IapError `DECODE`. */
  rawPayload(): unknown {
    if (this.#raw === NOT_PARSED) {
      const text = this.text();
      this.#raw = isFormBody(this.#settings.provider, this.#view.header('content-type'))
        ? parseFormSafely(text, this.#settings.protoAction)
        : parseJsonSafely(text, this.#settings.protoAction);
    }
    return this.#raw;
  }

  /** The parsed payload, or `undefined` when it cannot be parsed (never throws). */
  payloadOrUndefined(): unknown {
    try {
      return this.rawPayload();
    } catch {
      return undefined;
    }
  }

  payload(): TPayload {
    if (this.#validated !== NOT_PARSED) return this.#validated as TPayload;
    const raw = this.rawPayload();
    const schema = this.#settings.schema;
    if (schema === undefined) {
      this.#validated = raw;
      return raw as TPayload;
    }
    const result = validateWithSchema(schema, raw);
    if (!result.ok) throw new ValidationError(`${this.provider} webhook payload`, result.issues);
    this.#validated = result.value;
    return result.value as TPayload;
  }

  #field(source: FieldSource | undefined): string | undefined {
    if (source === undefined) return undefined;
    if (source.from === 'header') {
      for (const name of source.headers) {
        const value = this.#view.header(name);
        if (value !== undefined && value.length > 0) return value;
      }
      return undefined;
    }
    const payload = this.payloadOrUndefined();
    for (const path of source.paths) {
      const value = asFieldText(readPath(payload, path));
      if (value !== undefined) return value;
    }
    return undefined;
  }
}
