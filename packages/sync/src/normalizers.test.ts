import { describe, expect, it } from 'vitest';
import { caseInsensitive, composeNormalizers, emailAddress, trimmed } from './normalizers.js';

describe('normalizers', () => {
  it('trim strings and pass other values through', () => {
    expect(trimmed('  Ada \n')).toBe('Ada');
    expect(trimmed(null)).toBeNull();
    expect(trimmed(7)).toBe(7);
  });

  it('lower-case strings', () => {
    expect(caseInsensitive('DE')).toBe('de');
    expect(caseInsensitive(undefined)).toBeUndefined();
  });

  it('normalise e-mail addresses', () => {
    expect(emailAddress(' Ada@Example.COM ')).toBe('ada@example.com');
    expect(emailAddress(false)).toBe(false);
  });

  it('compose left to right', () => {
    const collapse = (value: unknown) => (typeof value === 'string' ? value.replace(/\s+/g, ' ') : value);
    expect(composeNormalizers(trimmed, collapse, caseInsensitive)('  Ada   LOVELACE ')).toBe('ada lovelace');
    expect(composeNormalizers()('x')).toBe('x');
  });
});
