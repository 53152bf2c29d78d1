import { describe, expect, it } from 'vitest';
import { parseFormSafely, parseJsonSafely } from './safe-json.js';

describe('prototype-safe parsing', () => {
  it('removes __proto__ and constructor.prototype keys, also when written with \\u escapes', () => {
    const parsed = parseJsonSafely('{"a":1,"__proto__":{"polluted":true},"b":{"constructor":{"prototype":{"x":1}},"c":[{"\\u005f_proto__":{"y":1}}]}}', 'remove') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['a', 'b']);
    expect(JSON.stringify(parsed)).toBe('{"a":1,"b":{"c":[{}]}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects them with protoAction 'error', naming the key only", () => {
    expect(() => parseJsonSafely('{"__proto__":{"secret-value":1}}', 'error')).toThrow(expect.objectContaining({ code: 'DECODE', message: expect.not.stringContaining('secret-value') as unknown }));
  });

  it('keeps a harmless "constructor" string field', () => {
    expect(parseJsonSafely('{"constructor":"Car"}', 'error')).toEqual({ constructor: 'Car' });
  });

  it('reports invalid JSON with an offset, never the text', () => {
    expect(() => parseJsonSafely('{"card":"4242 4242 4242 4242",}', 'remove')).toThrow(expect.objectContaining({ code: 'DECODE', message: expect.not.stringContaining('4242') as unknown }));
  });

  it('parses forms into null-prototype records, repeated keys as arrays', () => {
    const form = parseFormSafely('a=1&b=2&a=3&__proto__=x&text=hello+world', 'remove');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect({ ...form }).toEqual({ a: ['1', '3'], b: '2', text: 'hello world' });
  });
});
