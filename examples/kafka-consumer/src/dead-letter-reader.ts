/**
 * Reads records from a dead-letter topic with a plain kafkajs consumer (its own group, from the
 * beginning) until `count` arrived or the deadline passed, and decodes their `kafka_dlt-*` headers.
 */
import { readDeadLetterHeaders, type DeadLetterInfo } from '@iap/kafka';
import type { Kafka } from 'kafkajs';
import { waitFor } from './wait-for.js';

export interface DeadLetterRecord {
  readonly key: string | null;
  readonly info: DeadLetterInfo | undefined;
}

export async function readDeadLetters(kafka: Kafka, topic: string, groupId: string, count: number): Promise<DeadLetterRecord[]> {
  const records: DeadLetterRecord[] = [];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        records.push({ key: message.key?.toString() ?? null, info: readDeadLetterHeaders(message.headers) });
        return Promise.resolve();
      },
    });
    await waitFor(`${count} records in ${topic}`, () => records.length >= count, 30_000);
  } finally {
    await consumer.disconnect();
  }
  return records;
}
