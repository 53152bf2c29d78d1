import { describe, expect, it } from 'vitest';
import { isJsonContentType } from './json-content-type.js';

describe('isJsonContentType', () => {
  it.each([
    [undefined, true],
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/vnd.acme+json', true],
    ['TEXT/JSON', true],
    ['text/plain', false],
    ['application/octet-stream', false],
  ])('%s -> %s', (contentType, expected) => {
    expect(isJsonContentType(contentType)).toBe(expected);
  });
});
