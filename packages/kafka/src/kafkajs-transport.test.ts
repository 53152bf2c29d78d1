import { IapError } from '@iap/core';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { toKafkaJsBrokerError } from './kafkajs-transport.js';

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

  it('reads through aggregate errors and passes IapErrors through', () => {
    const aggregate = Object.assign(new Error('several'), { name: 'KafkaJSAggregateError', errors: [protocolError('REQUEST_TIMED_OUT', true), protocolError('RECORD_LIST_TOO_LARGE', false)] });
    expect(toKafkaJsBrokerError(aggregate, 'send')).toMatchObject({ retryable: false, details: { kafkaErrorType: 'RECORD_LIST_TOO_LARGE' } });
    const own = new IapError('TIMEOUT', 'slow', { retryable: true });
    expect(toKafkaJsBrokerError(own, 'send')).toBe(own);
  });
});
