import { describe, expect, it } from 'vitest';
import { compileTemplate } from './signed-content-template.js';

describe('signed-content templates', () => {
  it('splits the template around the body and fills placeholders', () => {
    const template = compileTemplate('{id}.{timestamp}.{body}');
    expect(template.render({ id: 'msg_1', timestamp: '17' })).toEqual({ prefix: 'msg_1.17.', includeBody: true, suffix: '' });
    expect(compileTemplate('{method}{url}{body}{timestamp}').render({ method: 'POST', url: 'u', timestamp: '1' })).toEqual({ prefix: 'POSTu', includeBody: true, suffix: '1' });
    expect(compileTemplate('{timestamp}{id}').render({ timestamp: '1', id: 't' })).toEqual({ prefix: '1t', includeBody: false, suffix: '' });
    expect(compileTemplate('v0:{timestamp}:{body}').fields).toEqual(new Set(['timestamp']));
  });

  it('rejects unknown placeholders, a repeated body and unclosed braces', () => {
    expect(() => compileTemplate('{nonce}{body}')).toThrow(/unknown placeholder \{nonce\}/);
    expect(() => compileTemplate('{body}{body}')).toThrow(/more than once/);
    expect(() => compileTemplate('{body')).toThrow(/unclosed/);
  });
});
