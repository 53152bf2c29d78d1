import { describe, expect, it } from 'vitest';
import { fromCloudEvent, parseEnvelope, toCloudEvent } from './cloud-event.js';
import { createEnvelope } from './envelope.js';
import { isValidationError, type ValidationError } from './validation-error.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const base = { specversion: '1.0', id: 'e-1', source: '/orders', type: 'order.placed', time: '2026-01-31T12:00:00Z' } as const;

function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(isValidationError(error)).toBe(true);
    return (error as ValidationError).issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  }
  throw new Error('expected a ValidationError');
}
const pathsOf = (run: () => unknown) => issuesOf(run).map((issue) => issue.path);

describe('CloudEvents attribute rules', () => {
  it.each([
    ['a source with a space', { source: 'orders service' }, 'source'],
    ['a source with a bad percent-escape', { source: '/orders%zz' }, 'source'],
    ['a source with a raw non-ASCII character', { source: '/bestellungen-ü' }, 'source'],
    ['an empty subject', { subject: '' }, 'subject'],
    ['30 February', { time: '2026-02-30T00:00:00Z' }, 'time'],
    ['29 February of a common year', { time: '2025-02-29T00:00:00Z' }, 'time'],
    ['31 April', { time: '2026-04-31T00:00:00Z' }, 'time'],
    ['a relative dataschema', { dataschema: '/schemas/order' }, 'dataschema'],
    ['a dataschema with a space', { dataschema: 'https://schemas.acme.com/order placed' }, 'dataschema'],
    ['a fractional extension', { amount: 1.5 }, 'amount'],
    ['an extension past the 32-bit integer range', { big: 2 ** 31 }, 'big'],
  ])('rejects %s', (_name, attributes, path) => {
    expect(pathsOf(() => fromCloudEvent({ ...base, ...attributes }))).toEqual([path]);
  });

  it.each([
    ['an absolute URI source', { source: 'https://orders.acme.com/v1' }],
    ['a URN source', { source: 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66' }],
    ['a percent-encoded source', { source: '/bestellungen-%C3%BC' }],
    ['29 February of a leap year', { time: '2028-02-29T23:59:60Z' }],
    ['an extension name over 20 characters (SHOULD NOT, not MUST NOT)', { averyveryverylongextensionname: 'x' }],
    ['integer extremes', { low: -(2 ** 31), high: 2 ** 31 - 1 }],
  ])('accepts %s', (_name, attributes) => {
    expect(() => fromCloudEvent({ ...base, ...attributes })).not.toThrow();
  });

  it('maps dataschema to dataSchemaUri, not to an extension, and back', () => {
    const envelope = fromCloudEvent({ ...base, dataschema: 'https://schemas.acme.com/order-placed/1' });
    expect(envelope.dataSchemaUri).toBe('https://schemas.acme.com/order-placed/1');
    expect(envelope.extensions).toEqual({});
    expect(toCloudEvent(envelope).dataschema).toBe('https://schemas.acme.com/order-placed/1');
    expect(pathsOf(() => createEnvelope({ type: 't', source: '/s', data: 1, extensions: { dataschema: 'https://x.example' } }))).toEqual(['extensions.dataschema']);
  });

  it('reports a missing time once', () => {
    const { time: _time, ...withoutTime } = base;
    expect(issuesOf(() => fromCloudEvent(withoutTime))).toEqual([{ path: 'time', message: 'required' }]);
  });

  it('never quotes a value in messages', () => {
    const error = issuesOf(() => fromCloudEvent({ ...base, source: 'secret source', dataschema: 'secret-schema', subject: '' }));
    expect(JSON.stringify(error)).not.toContain('secret');
  });
});

describe('trace context in envelopes', () => {
  const members = (count: number) => Array.from({ length: count }, (_, i) => `k${i}=v`).join(',');
  it.each([
    ['33 members', members(33)],
    ['an uppercase key', 'Vendor=1'],
    ['a duplicated key', 'a=1,a=2'],
    ['an empty value', 'a=,b=2'],
    ['no members', ''],
  ])('rejects a tracestate with %s', (_name, tracestate) => {
    expect(pathsOf(() => parseEnvelope({ id: 'e', type: 't', source: '/s', time: base.time, schemaVersion: '1', data: 1, traceparent: TRACEPARENT, tracestate }))).toEqual(['tracestate']);
  });

  it('accepts 32 members, and rejects a tracestate without a traceparent', () => {
    expect(parseEnvelope({ id: 'e', type: 't', source: '/s', time: base.time, schemaVersion: '1', data: 1, traceparent: TRACEPARENT, tracestate: members(32) }).tracestate).toBe(members(32));
    expect(issuesOf(() => fromCloudEvent({ ...base, tracestate: 'a=1' }))).toEqual([{ path: 'tracestate', message: expect.stringContaining('needs a traceparent') as string }]);
  });
});
