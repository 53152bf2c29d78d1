import { ErrorCode, IapError } from '@iap/core';
import { describe, expect, it } from 'vitest';
import { KafkaErrorCode } from './kafka-error-codes.js';
import { DeadLetterFailedError, HandlerFailedError, KafkaBrokerError, MessageDecodeError, UnknownSchemaVersionError, isBrokerError, isMessageDecodeError, toKafkaBrokerError } from './kafka-errors.js';
import { toKafkaJsBrokerError } from './kafkajs-transport.js';
import { tryDecodeKafkaRecord } from './record-codec.js';

const at = { topic: 'orders', partition: 2, offset: '41' };

describe('kafka error classes', () => {
  it('carry typed fields, their code and a class brand that tells them apart', () => {
    const decode = new MessageDecodeError(at, 'bad header', { details: { header: 'ce_type' } });
    expect(decode).toMatchObject({ code: ErrorCode.MESSAGE_DECODE, topic: 'orders', partition: 2, offset: '41', header: 'ce_type', name: 'MessageDecodeError' });
    expect(decode.message).toBe('record orders[2]@41 cannot be decoded: bad header');
    const unknown = new UnknownSchemaVersionError(at, 'order.placed', '3', 'no schema');
    expect(unknown).toMatchObject({ code: ErrorCode.UNKNOWN_SCHEMA_VERSION, type: 'order.placed', schemaVersion: '3', details: { type: 'order.placed', schemaVersion: '3', offset: '41' } });
    const failure = new TypeError('boom');
    const handler = new HandlerFailedError(at, 2, 'order.placed', failure, false, failure.message);
    expect(handler).toMatchObject({ code: ErrorCode.HANDLER_FAILED, attempt: 2, type: 'order.placed', retryable: false, cause: failure });
    const dlt = new DeadLetterFailedError(at, 'orders-dlt', 3, failure, 'down');
    expect(dlt).toMatchObject({ code: ErrorCode.DEAD_LETTER_FAILED, target: 'orders-dlt', attempt: 3, retryable: true });
    const broker = new KafkaBrokerError('Kafka send failed', { operation: 'send', failure: 'transport', kafkaErrorType: 'NOT_LEADER_FOR_PARTITION', retryable: true });
    expect(broker).toMatchObject({ code: KafkaErrorCode.BROKER, operation: 'send', failure: 'transport', kafkaErrorType: 'NOT_LEADER_FOR_PARTITION' });

    const all = [decode, unknown, handler, dlt, broker];
    const classes: ((value: unknown) => boolean)[] = [
      (value) => MessageDecodeError.isInstance(value),
      (value) => UnknownSchemaVersionError.isInstance(value),
      (value) => HandlerFailedError.isInstance(value),
      (value) => DeadLetterFailedError.isInstance(value),
      (value) => KafkaBrokerError.isInstance(value),
    ];
    for (const [i, error] of all.entries()) {
      expect(IapError.isInstance(error)).toBe(true);
      for (const [j, isInstance] of classes.entries()) expect(isInstance(error)).toBe(i === j);
    }
    // a plain IapError with the same code is not the typed class
    expect(MessageDecodeError.isInstance(new IapError(ErrorCode.MESSAGE_DECODE, 'x'))).toBe(false);
  });

  it('the codec, the kafkajs mapping and the fallback give the typed classes', () => {
    const result = tryDecodeKafkaRecord({ key: null, value: Buffer.from('{'), headers: { 'content-type': 'application/cloudevents+json' } }, at);
    expect(!result.ok && isMessageDecodeError(result.error) && result.error.offset).toBe('41');
    const mapped = toKafkaJsBrokerError(Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }), 'send');
    expect(isBrokerError(mapped) && mapped.operation).toBe('send');
    const wrapped = toKafkaBrokerError(Object.assign(new Error('socket hang up'), { retryAfterMs: 50 }));
    expect(wrapped).toMatchObject({ code: 'BROKER', message: 'socket hang up', retryAfterMs: 50 });
    expect(KafkaBrokerError.isInstance(wrapped)).toBe(true);
    const own = new IapError(ErrorCode.TIMEOUT, 'late');
    expect(toKafkaBrokerError(own)).toBe(own);
  });
});
