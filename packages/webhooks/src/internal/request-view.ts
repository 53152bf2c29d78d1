import type { WebhookRequestView } from '../webhook-provider.js';
import type { WebhookBody, WebhookRequest } from '../webhook-request.js';
import { readHeader } from './header-reader.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 text of a body; `undefined` for invalid UTF-8. */
export function bodyText(body: WebhookBody): string | undefined {
  if (typeof body === 'string') return body;
  try {
    return utf8Decoder.decode(body);
  } catch {
    return undefined;
  }
}

/** The request as providers and verified events read it; the body text is decoded at most once. */
export class RequestView implements WebhookRequestView {
  readonly body: WebhookBody;
  readonly url: string | undefined;
  readonly method: string;
  readonly #request: WebhookRequest;
  #text: string | undefined;
  #decoded = false;

  constructor(request: WebhookRequest) {
    this.#request = request;
    this.body = request.body;
    this.url = request.url;
    this.method = request.method === undefined ? 'POST' : request.method.toUpperCase();
  }

  header(name: string): string | undefined {
    return readHeader(this.#request.headers, name);
  }

  text(): string | undefined {
    if (!this.#decoded) {
      this.#text = bodyText(this.body);
      this.#decoded = true;
    }
    return this.#text;
  }
}
