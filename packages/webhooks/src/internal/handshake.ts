import type { VerifiedWebhook } from '../verified-webhook.js';
import type { HandshakeEvent, HandshakeReply, HandshakeSpec, WebhookProvider } from '../webhook-provider.js';
import { VerifiedWebhookImpl } from './verified-webhook-impl.js';

/** The handshake a verified event asks for, if any (read from the raw payload, before any schema). */
export function handshakeSpec(provider: WebhookProvider, event: VerifiedWebhook<unknown>): HandshakeSpec | undefined {
  if (provider.handshake === undefined || !event.ok) return undefined;
  const view: HandshakeEvent =
    event instanceof VerifiedWebhookImpl
      ? event
      : {
          header: (name) => event.header(name),
          payloadOrUndefined: () => {
            try {
              return event.payload();
            } catch {
              return undefined;
            }
          },
        };
  return provider.handshake(view);
}

/** A 200 reply with a content type. */
export function handshakeReply(contentType: string, body: string): HandshakeReply {
  return { status: 200, headers: { 'content-type': contentType }, body };
}
