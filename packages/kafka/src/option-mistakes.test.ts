// The common mistakes when wiring @iap/kafka, each refused at once with what to write instead.
import { ErrorCode, IapError } from '@iap/core';
import { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { InMemoryKafka } from './__fixtures__/in-memory-kafka.js';
import { resolveConsumerOptions, type ConsumerOptions } from './consumer-options.js';
import { createKafkaJsTransport, type KafkaJsTransportOptions } from './kafkajs-transport.js';

function refusal(run: () => unknown): IapError {
  try {
    run();
  } catch (error) {
    if (error instanceof IapError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const consumer = (extra: Record<string, unknown>): ConsumerOptions =>
  ({ transport: new InMemoryKafka(), groupId: 'billing', topics: ['orders'], handler: () => {}, ...extra });

describe('createConsumer options', () => {
  it('refuses a misspelled option, naming the one meant', () => {
    const error = refusal(() => resolveConsumerOptions(consumer({ keyConcurency: 4 })));
    expect(error.code).toBe(ErrorCode.INVALID_OPTIONS);
    expect(error.message).toContain("unknown option 'keyConcurency' (did you mean 'keyConcurrency'?)");
  });

  it('refuses a misspelled retry option instead of silently using the default', () => {
    const error = refusal(() => resolveConsumerOptions(consumer({ retry: { maxAttemps: 8 } })));
    expect(error.message).toBe("createConsumer: retry: unknown option 'maxAttemps' (did you mean 'maxAttempts'?)");
  });

  it('accepts the documented options', () => {
    expect(resolveConsumerOptions(consumer({ keyConcurrency: 4, retry: { maxAttempts: 8 } })).retryPolicy.maxAttempts).toBe(8);
  });
});

describe('createKafkaJsTransport', () => {
  const kafka = new Kafka({ clientId: 'test', brokers: ['127.0.0.1:9'] });

  it('refuses the kafkajs configuration object in place of a Kafka instance', () => {
    const error = refusal(() => createKafkaJsTransport({ kafka: { clientId: 'orders', brokers: ['127.0.0.1:9092'] } } as unknown as KafkaJsTransportOptions));
    expect(error.code).toBe(ErrorCode.INVALID_OPTIONS);
    expect(error.message).toContain('not its configuration');
    expect(error.message).toContain('new Kafka({ clientId, brokers })');
  });

  it('refuses the Kafka instance passed directly instead of as { kafka }', () => {
    const error = refusal(() => createKafkaJsTransport(kafka as unknown as KafkaJsTransportOptions));
    expect(error.message).toContain('createKafkaJsTransport({ kafka })');
  });

  it('refuses a misspelled option and accepts the right ones', () => {
    expect(refusal(() => createKafkaJsTransport({ kafka, producerconfig: {} } as unknown as KafkaJsTransportOptions)).message).toContain("did you mean 'producerConfig'?");
    expect(typeof createKafkaJsTransport({ kafka, producerConfig: {} }).createProducer).toBe('function');
  });
});
