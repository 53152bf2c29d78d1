import { IapError } from '@iap/core';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { toKafkaJsBrokerError } from './kafkajs-transport.js';

/** kafkajs's NonRetriable wrapper as its retrier builds it (the typings omit the second argument). */
const NonRetriable = KafkaJSNonRetriableError as unknown as new (error: Error | string, options?: { cause?: unknown }) => Error;

function protocolError(type: string, retriable: boolean): Error {
  return new KafkaJSProtocolError({ type, retriable, message: `broker says ${type}`, code: 1 } as unknown as Error);
}

describe('toKafkaJsBrokerError', () => {
  it('keeps Kafka retriable errors retryable and names the broker error', () => {
    const error = toKafkaJsBrokerError(protocolError('NOT_LEADER_FOR_PARTITION', true), 'send');
    expect(error).toMatchObject({ code: 'BROKER', retryable: true, details: { operation: 'send', kafkaErrorType: 'NOT_LEADER_FOR_PARTITION' } });
    expect(error.message).toContain('NOT_LEADER_FOR_PARTITION');
  });

  it('marks permanent broker errors not retryable, also behind KafkaJSNumberOfRetriesExceeded', () => {
    expect(toKafkaJsBrokerError(protocolError('MESSAGE_TOO_LARGE', false), 'send').retryable).toBe(false);
    const wrapped = new KafkaJSNumberOfRetriesExceeded(protocolError('NOT_LEADER_FOR_PARTITION', true), { retryCount: 5, retryTime: 1000 });
    expect(toKafkaJsBrokerError(wrapped, 'send').retryable).toBe(true);
    expect(toKafkaJsBrokerError(protocolError('TOPIC_AUTHORIZATION_FAILED', true), 'send').retryable).toBe(false);
  });

  it('treats connection errors as retryable and non-kafkajs errors as not', () => {
    expect(toKafkaJsBrokerError(new KafkaJSConnectionError('Connection error: ECONNREFUSED'), 'connect').retryable).toBe(true);
    expect(toKafkaJsBrokerError(new KafkaJSNonRetriableError('Invalid message without value'), 'send').retryable).toBe(false);
    expect(toKafkaJsBrokerError(new TypeError('bad argument'), 'send').retryable).toBe(false);
  });

  it('classifies connection loss as transport even when kafkajs wrapped it as non-retriable (a broker restart)', () => {
    const refused = new KafkaJSConnectionError('connect ECONNREFUSED 127.0.0.1:9092');
    const exceeded = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 1000 });
    // what kafkajs's retrier throws once the inner retrier gave up: NonRetriable, cause = the connection error
    const wrapped = new NonRetriable(exceeded, { cause: refused });
    const error = toKafkaJsBrokerError(wrapped, 'send');
    expect(error).toMatchObject({ code: 'BROKER', retryable: true, details: { failure: 'transport', errorName: 'KafkaJSConnectionError', producerStateLost: true } });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('classifies the idempotent producer sequence and epoch errors as transport with the producer state lost', () => {
    for (const type of ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']) {
      const error = toKafkaJsBrokerError(new NonRetriable(protocolError(type, false), { cause: protocolError(type, false) }), 'send');
      expect(error).toMatchObject({ retryable: true, details: { failure: 'transport', kafkaErrorType: type, producerStateLost: true } });
    }
    expect(toKafkaJsBrokerError(protocolError('NOT_LEADER_FOR_PARTITION', true), 'send').details).toMatchObject({ producerStateLost: false });
  });

  it('names whose fault a failure is: message, configuration or transport', () => {
    expect(toKafkaJsBrokerError(protocolError('RECORD_LIST_TOO_LARGE', false), 'send').details.failure).toBe('message');
    expect(toKafkaJsBrokerError(protocolError('TOPIC_AUTHORIZATION_FAILED', false), 'send').details.failure).toBe('configuration');
    expect(toKafkaJsBrokerError(protocolError('THROTTLING_QUOTA_EXCEEDED', true), 'send')).toMatchObject({ retryable: true, details: { failure: 'transport' } });
    expect(toKafkaJsBrokerError(new KafkaJSNonRetriableError('Invalid topic'), 'send').details.failure).toBe('message');
  });

  it('reads through aggregate errors and passes IapErrors through', () => {
    const aggregate = Object.assign(new Error('several'), { name: 'KafkaJSAggregateError', errors: [protocolError('REQUEST_TIMED_OUT', true), protocolError('RECORD_LIST_TOO_LARGE', false)] });
    expect(toKafkaJsBrokerError(aggregate, 'send')).toMatchObject({ retryable: false, details: { kafkaErrorType: 'RECORD_LIST_TOO_LARGE' } });
    const own = new IapError('TIMEOUT', 'slow', { retryable: true });
    expect(toKafkaJsBrokerError(own, 'send')).toBe(own);
  });
});
