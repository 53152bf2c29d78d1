import { describe, expect, it } from 'vitest';
import type { SignedContent } from '../webhook-provider.js';
import { compileTemplate, RenderedContent } from './signed-content-template.js';

function plain(content: SignedContent): SignedContent {
  return { prefix: content.prefix, includeBody: content.includeBody, suffix: content.suffix };
}

describe('signed-content templates', () => {
  it('splits the template around the body and fills placeholders', () => {
    const template = compileTemplate('{id}.{timestamp}.{body}');
    expect(plain(template.render({ id: 'msg_1', timestamp: '17' }))).toEqual({ prefix: 'msg_1.17.', includeBody: true, suffix: '' });
    expect(plain(compileTemplate('{method}{url}{body}{timestamp}').render({ method: 'POST', url: 'u', timestamp: '1' }))).toEqual({ prefix: 'POSTu', includeBody: true, suffix: '1' });
    expect(plain(compileTemplate('{timestamp}{id}').render({ timestamp: '1', id: 't' }))).toEqual({ prefix: '1t', includeBody: false, suffix: '' });
    expect(compileTemplate('v0:{timestamp}:{body}').fields).toEqual(new Set(['timestamp']));
  });

  it('keeps the rendered parts, with their total length, and joins them on demand', () => {
    const content = compileTemplate('{id}.{timestamp}.{body}:{method}é').render({ id: 'msg_1', timestamp: '17', method: 'POST' });
    expect(content).toBeInstanceOf(RenderedContent);
    const rendered = content as RenderedContent;
    expect(rendered.prefixParts).toEqual(['msg_1', '.', '17', '.']);
    expect(rendered.suffixParts).toEqual([':', 'POST', 'é']);
    expect(rendered.partsLength).toBe('msg_1.17.:POSTé'.length);
    expect(rendered.prefix).toBe('msg_1.17.');
    expect(rendered.suffix).toBe(':POSTé');
  });

  it('renders a template without placeholders to one shared object', () => {
    const template = compileTemplate('{body}');
    expect(template.render({})).toBe(template.render({}));
    expect(plain(template.render({}))).toEqual({ prefix: '', includeBody: true, suffix: '' });
  });

  it('rejects unknown placeholders, a repeated body and unclosed braces', () => {
    expect(() => compileTemplate('{nonce}{body}')).toThrow(/unknown placeholder \{nonce\}/);
    expect(() => compileTemplate('{body}{body}')).toThrow(/more than once/);
    expect(() => compileTemplate('{body')).toThrow(/unclosed/);
  });
});
