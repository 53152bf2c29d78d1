import { describe, expect, it } from 'vitest';
import { readHeader } from './header-reader.js';

describe('readHeader', () => {
  it('reads Fetch Headers, Node headers and plain records case-insensitively', () => {
    expect(readHeader(new Headers({ 'Stripe-Signature': 'a' }), 'stripe-signature')).toBe('a');
    expect(readHeader({ 'stripe-signature': 'b' }, 'stripe-signature')).toBe('b');
    expect(readHeader({ 'Stripe-Signature': 'c' }, 'stripe-signature')).toBe('c');
    expect(readHeader({}, 'stripe-signature')).toBeUndefined();
  });

  it('joins repeated values so a duplicated signature header cannot be narrowed to one', () => {
    expect(readHeader({ 'x-sig': ['a', 'b'] }, 'x-sig')).toBe('a, b');
    const headers = new Headers();
    headers.append('x-sig', 'a');
    headers.append('x-sig', 'b');
    expect(readHeader(headers, 'x-sig')).toBe('a, b');
  });

  it('treats missing or non-object headers as empty', () => {
    expect(readHeader(undefined as unknown as Record<string, string>, 'x')).toBeUndefined();
    expect(readHeader('x: y' as unknown as Record<string, string>, 'x')).toBeUndefined();
  });

  it('ignores inherited properties and non-string values', () => {
    expect(readHeader({}, 'constructor')).toBeUndefined();
    expect(readHeader({ 'x-n': 5 } as unknown as Record<string, string>, 'x-n')).toBeUndefined();
  });
});
