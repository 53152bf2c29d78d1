import type { KafkaTransport } from '../../../src/index.js';

/** Wraps a transport and records, in order, every acknowledged send (`send:<topic>`) and every commit (`commit:<topic>:<offset>`). */
export function spyTransport(inner: KafkaTransport, log: string[], options: { failCommits?: () => boolean } = {}): KafkaTransport {
  return {
    createAdmin: () => inner.createAdmin(),
    createProducer: (producerOptions) => {
      const producer = inner.createProducer(producerOptions);
      return {
        connect: () => producer.connect(),
        disconnect: () => producer.disconnect(),
        send: async (request) => {
          await producer.send(request);
          for (const { topic } of request.topicRecords) log.push(`send:${topic}`);
        },
      };
    },
    createConsumer: (consumerOptions) => {
      const consumer = inner.createConsumer(consumerOptions);
      return {
        connect: () => consumer.connect(),
        subscribe: (topics, fromBeginning) => consumer.subscribe(topics, fromBeginning),
        pause: (topic, partition) => consumer.pause(topic, partition),
        resume: (topic, partition) => consumer.resume(topic, partition),
        seek: (topic, partition, offset) => consumer.seek(topic, partition, offset),
        onEvent: (listener) => consumer.onEvent(listener),
        disconnect: () => consumer.disconnect(),
        run: (runOptions) =>
          consumer.run({
            ...runOptions,
            eachBatch: (batch) =>
              runOptions.eachBatch({
                ...batch,
                messages: batch.messages,
                resolveOffset: (offset) => batch.resolveOffset(offset),
                heartbeat: () => batch.heartbeat(),
                isRunning: () => batch.isRunning(),
                isStale: () => batch.isStale(),
                commit: async (nextOffset) => {
                  if (options.failCommits?.() === true) throw new Error('simulated crash before the commit reached the broker');
                  await batch.commit(nextOffset);
                  log.push(`commit:${batch.topic}:${nextOffset}`);
                },
              }),
          }),
      };
    },
  };
}
