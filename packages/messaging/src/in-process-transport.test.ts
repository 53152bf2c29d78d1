import { ErrorCode, createEnvelope, type PublishMessage } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { createInProcessTransport } from './in-process-transport.js';

const message = (id: string, destination = 'orders'): PublishMessage => ({
  id,
  destination,
  headers: {},
  envelope: createEnvelope({ id, type: 't', source: '/s', data: null }),
});

describe('createInProcessTransport', () => {
  it('is marked non-durable', () => {
    expect(createInProcessTransport().durable).toBe(false);
  });

  it('delivers to the subscribers of the destination, in order, and reports ok', async () => {
    const transport = createInProcessTransport();
    const seen: string[] = [];
    transport.subscribe('orders', (m) => {
      seen.push(`a:${m.id}`);
    });
    transport.subscribe('orders', (m) => {
      seen.push(`b:${m.id}`);
    });
    transport.subscribe('audit', (m) => {
      seen.push(`audit:${m.id}`);
    });
    const results = await transport.publisher.publish([message('1'), message('2'), message('3', 'nobody')]);
    expect(results).toEqual([
      { id: '1', ok: true },
      { id: '2', ok: true },
      { id: '3', ok: true },
    ]);
    expect(seen).toEqual(['a:1', 'b:1', 'a:2', 'b:2']);
  });

  it('reports a throwing subscriber as a retryable failure of that message only', async () => {
    const transport = createInProcessTransport();
    transport.subscribe('orders', (m) => {
      if (m.id === 'bad') throw new Error('handler broke');
    });
    const [bad, good] = await transport.publisher.publish([message('bad'), message('good')]);
    expect(bad).toMatchObject({ id: 'bad', ok: false, retryable: true, error: { code: ErrorCode.PUBLISH_FAILED } });
    expect(good).toEqual({ id: 'good', ok: true });
  });

  it('reports messages after an abort as failed, and unsubscribes', async () => {
    const transport = createInProcessTransport();
    const seen: string[] = [];
    const off = transport.subscribe('orders', (m) => {
      seen.push(m.id);
    });
    const controller = new AbortController();
    controller.abort();
    const [result] = await transport.publisher.publish([message('1')], { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.ABORTED } });
    off();
    await transport.publisher.publish([message('2')]);
    expect(seen).toEqual([]);
  });

  it('rejects bad subscriptions and use after close', async () => {
    const transport = createInProcessTransport();
    expect(() => transport.subscribe('', () => undefined)).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION }));
    expect(() => transport.subscribe('x', 'nope' as never)).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION }));
    await transport.close();
    await expect(transport.publisher.publish([message('1')])).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    expect(() => transport.subscribe('x', () => undefined)).toThrow(expect.objectContaining({ code: ErrorCode.CLOSED }));
  });
});
