/**
 * Prototype-safe JSON parsing. `JSON.parse` itself never pollutes prototypes, but the objects it
 * returns can carry own `__proto__` keys (and `constructor.prototype` chains) that pollute the first
 * time someone merges them. Those keys are removed (`'remove'`) or rejected (`'error'`). The scan only
 * runs when the text could contain such a key, so ordinary payloads pay one regex test.
 */
import { ErrorCode, IapError } from '@iap/core';

/** What to do with `__proto__` and `constructor.prototype` keys. */
export type ProtoAction = 'remove' | 'error';

const SUSPICIOUS = /__proto__|constructor|\\u/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isDangerous(key: string, value: unknown): boolean {
  return key === '__proto__' || (key === 'constructor' && isObject(value) && Object.prototype.hasOwnProperty.call(value, 'prototype'));
}

function scrub(root: unknown, action: ProtoAction): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isObject(node)) continue;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (isDangerous(key, value)) {
        if (action === 'error') {
          throw new IapError(ErrorCode.DECODE, `webhook payload has a "${key}" key that could pollute prototypes; it was rejected (protoAction: 'error')`);
        }
        delete node[key];
        continue;
      }
      if (isObject(value)) stack.push(value);
    }
  }
}

/**
 * Parses JSON text, removing or rejecting prototype-polluting keys.
 * @throws IapError code `DECODE` when the text is not JSON (message gives the position, never the text).
 */
export function parseJsonSafely(text: string, action: ProtoAction): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw new IapError(ErrorCode.DECODE, `webhook payload is not valid JSON${position === undefined ? '' : ` (error at offset ${position})`}`, { cause: error });
  }
  if (isObject(value) && SUSPICIOUS.test(text)) scrub(value, action);
  return value;
}

/**
 * Parses `application/x-www-form-urlencoded` text into a null-prototype record; repeated keys
 * become arrays. `__proto__` keys are handled like in JSON.
 * @throws IapError code `DECODE` for a `__proto__` key with `protoAction: 'error'`.
 */
export function parseFormSafely(text: string, action: ProtoAction): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === '__proto__' || key === 'constructor') {
      if (action === 'error') throw new IapError(ErrorCode.DECODE, `webhook form payload has a "${key}" key; it was rejected (protoAction: 'error')`);
      continue;
    }
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}
