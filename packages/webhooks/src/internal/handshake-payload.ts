/** Typed, prototype-safe reads of handshake fields from a parsed payload. */
import { readPath } from './verified-webhook-impl.js';

/** Accessors for a parsed payload: string and number fields by dotted path. */
export interface PayloadFields {
  text(path: string): string | undefined;
  number(path: string): number | undefined;
}

/** Wraps a parsed payload (or `undefined`) for field reads. */
export function handshakeOf(payload: unknown): PayloadFields {
  return {
    text(path) {
      const value = readPath(payload, path);
      return typeof value === 'string' ? value : undefined;
    },
    number(path) {
      const value = readPath(payload, path);
      return typeof value === 'number' ? value : undefined;
    },
  };
}
