import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnvelope } from './cloud-event.js';
import { createEnvelope } from './envelope.js';
import { ManualClock } from './manual-clock.js';
import { parseTraceparent } from './trace-context.js';
import { uuidv7Timestamp } from './uuid-v7.js';
import { isValidationError, type ValidationError } from './validation-error.js';

const clock = new ManualClock(Date.UTC(2026, 0, 31, 12, 0, 0));

function catchValidation(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (isValidationError(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('createEnvelope', () => {
  it('fills defaults: UUIDv7 id from the clock, time, schema version 1, JSON content type', () => {
    const envelope = createEnvelope({ type: 'order.placed', source: '/orders', data: { orderId: 'o-1' } }, { clock });
    expect(uuidv7Timestamp(envelope.id)).toBe(clock.now());
    expect(envelope).toMatchObject({
      type: 'order.placed',
      source: '/orders',
      time: '2026-01-31T12:00:00.000Z',
      schemaVersion: '1',
      dataContentType: 'application/json',
      data: { orderId: 'o-1' },
      extensions: {},
    });
    expect('subject' in envelope).toBe(false);
  });

  it('continues the cause: correlation, causation and a child span of its trace', () => {
    const cause = createEnvelope(
      { type: 'payment.received', source: '/pay', data: null, correlationId: 'flow-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'vendor=1' },
      { clock },
    );
    const next = createEnvelope({ type: 'order.paid', source: '/orders', data: null, causedBy: cause }, { clock });
    expect(next.correlationId).toBe('flow-1');
    expect(next.causationId).toBe(cause.id);
    const trace = parseTraceparent(next.traceparent);
    expect(trace?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace?.parentId).not.toBe('00f067aa0ba902b7');
    expect(next.tracestate).toBe('vendor=1');
    const root = createEnvelope({ type: 'a', source: '/s', data: 1, causedBy: createEnvelope({ type: 'b', source: '/s', data: 2 }, { clock }) }, { clock });
    expect(root.correlationId).toBe(root.causationId);
  });

  it('rejects invalid fields with every issue and its path', () => {
    const error = catchValidation(() =>
      createEnvelope({ type: '', source: '/s', data: 1, time: 'yesterday', traceparent: 'nope', extensions: { Tenant: 'x', id: 'y' } }, { clock }),
    );
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(['type', 'time', 'traceparent', 'extensions.Tenant', 'extensions.id']);
  });
});

describe('parseEnvelope', () => {
  const valid = {
    id: '0194b6a8-0000-7000-8000-000000000001',
    type: 'order.placed',
    source: '/orders',
    time: '2026-01-31T12:00:00Z',
    schemaVersion: '2',
    dataContentType: 'application/json',
    data: { orderId: 'o-1', amount: 12 },
    extensions: { tenant: 'acme' },
  };

  it('accepts a valid object, ignores unknown fields and treats null optionals as absent', () => {
    const envelope = parseEnvelope({ ...valid, surprise: { deeply: ['nested'] }, subject: null, __proto__: { polluted: true } });
    expect(envelope).toEqual(valid);
    expect('surprise' in envelope).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('defaults missing extensions and dataContentType', () => {
    const { extensions: _e, dataContentType: _d, ...rest } = valid;
    expect(parseEnvelope(rest)).toEqual({ ...rest, extensions: {}, dataContentType: 'application/json' });
  });

  it('lists every issue of a bad object without leaking values', () => {
    const error = catchValidation(() => parseEnvelope({ id: 42, type: 'secret-type-value', source: ['x'], time: 'not-a-time', extensions: { ok: 5.5 } }));
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(['id', 'source', 'schemaVersion', 'time', 'extensions.ok']);
    expect(error.message).not.toContain('not-a-time');
    expect(error.message).not.toContain('42');
  });

  it.each([[null], [[1, 2]], ['string'], [7]])('rejects a non-object (%o) with a typed error', (input) => {
    expect(catchValidation(() => parseEnvelope(input)).issues[0]?.path).toEqual([]);
  });

  const schemas = {
    zod: z.object({ orderId: z.string(), amount: z.number().positive() }),
    valibot: v.object({ orderId: v.string(), amount: v.pipe(v.number(), v.minValue(1)) }),
    arktype: type({ orderId: 'string', amount: 'number > 0' }),
  };

  it.each(Object.entries(schemas))('validates data with a %s Standard Schema and types the result', (_name, schema) => {
    const envelope = parseEnvelope(valid, { dataSchema: schema });
    expect(envelope.data).toEqual({ orderId: 'o-1', amount: 12 });
    const error = catchValidation(() => parseEnvelope({ ...valid, id: '', data: { orderId: 7, amount: -1 } }, { dataSchema: schema }));
    const paths = error.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('id');
    expect(paths).toContain('data.orderId');
    expect(paths).toContain('data.amount');
  });

  it('reports an async schema with a typed error', () => {
    const asyncSchema = z.object({ orderId: z.string() }).refine(() => Promise.resolve(true));
    expect(() => parseEnvelope(valid, { dataSchema: asyncSchema })).toThrowError(expect.objectContaining({ code: 'ASYNC_SCHEMA' }));
  });
});
