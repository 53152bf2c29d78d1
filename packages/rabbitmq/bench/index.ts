/**
 * `pnpm bench` for @iap/rabbitmq: `createRabbitMqPublisher` against the floor, raw amqplib
 * confirm-channel publishing of the same messages, in one run, on the real broker (AMQP_URL,
 * default amqp://guest:guest@127.0.0.1:5672).
 *
 * Each round publishes IAP_RABBITMQ_BENCH_COUNT messages (default 20,000; ~500-byte JSON data) to a
 * topic exchange bound to one quorum queue, in batches of IAP_RABBITMQ_BENCH_BATCH (default 100)
 * with IAP_RABBITMQ_BENCH_IN_FLIGHT batches in flight (default 4, like the relay's
 * `maxBatchesInFlight`), and is timed until every message is confirmed:
 * - ours: `publisher.publish(batch)` (encoding, mandatory routing, confirms, per-message results),
 *   each message with `dataJson` as the outbox relay passes it (the data's JSON read from its row);
 * - floor: the messages encoded with `encodeAmqpMessage` outside the timing, then raw amqplib
 *   `ConfirmChannel.publish(..., { mandatory: true }, callback)` per message, one promise per batch
 *   resolved when its last confirm arrives.
 * The two alternate which goes first, IAP_RABBITMQ_BENCH_ROUNDS rounds (default 5); the queue is
 * purged between runs; the median round of each case is reported with every paired ratio in the notes.
 */
import { createEnvelope, type PublishMessage } from '@iap/core';
import amqplib, { type ConfirmChannel } from 'amqplib';
import { median, reportResults, type BenchCaseResult } from '../../../scripts/bench-kit.js';
import { createAmqplibTransport } from '../src/amqplib.js';
import { createRabbitMqPublisher, encodeAmqpMessage, ensureTopology, type AmqpMessage } from '../src/index.js';

const URL_ = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const COUNT = Number(process.env.IAP_RABBITMQ_BENCH_COUNT ?? 20_000);
const BATCH = Number(process.env.IAP_RABBITMQ_BENCH_BATCH ?? 100);
const IN_FLIGHT = Number(process.env.IAP_RABBITMQ_BENCH_IN_FLIGHT ?? 4);
const ROUNDS = Number(process.env.IAP_RABBITMQ_BENCH_ROUNDS ?? 5);
const run = Math.random().toString(36).slice(2, 8);
const exchange = `iap-bench-${run}`;
const queue = `iap-bench-${run}-q`;

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/** Runs `send` over the batches with IN_FLIGHT at once; resolves with msgs/s. */
async function timed<T>(chunks: readonly T[][], send: (chunk: T[]) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < chunks.length) await send(chunks[next++]!);
    }),
  );
  return (COUNT / Number(process.hrtime.bigint() - started)) * 1e9;
}

function rawSend(channel: ConfirmChannel, chunk: AmqpMessage[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let left = chunk.length;
    for (const m of chunk) {
      channel.publish(exchange, 'order.placed', m.content as Buffer, { ...m.properties, mandatory: true } as amqplib.Options.Publish, (error: unknown) => {
        if (error !== null && error !== undefined) reject(new Error('nacked'));
        else if (--left === 0) resolve();
      });
    }
  });
}

const padding = 'x'.repeat(400);
const messages: PublishMessage[] = Array.from({ length: COUNT }, (_, i) => {
  const envelope = createEnvelope({ type: 'order.placed', source: '/orders', partitionKey: `customer-${i % 2000}`, data: { orderId: `o-${i}`, total: i, padding } });
  // dataJson as the relay passes it (read from the outbox row)
  return { id: envelope.id, destination: exchange, partitionKey: envelope.partitionKey, headers: {}, envelope, dataJson: JSON.stringify(envelope.data) };
});
const encoded = messages.map((m) => encodeAmqpMessage(m.envelope));

const transport = createAmqplibTransport({ url: URL_ });
await ensureTopology({ transport, exchanges: [{ name: exchange }], queues: [{ name: queue, deadLetter: false, bindings: [{ exchange, routingKey: 'order.#' }] }] });
const admin = await amqplib.connect(URL_);
const adminChannel = await admin.createChannel();
const rawConnection = await amqplib.connect(URL_);
const rawChannel = await rawConnection.createConfirmChannel();
const publisher = createRabbitMqPublisher({ transport });
await publisher.connect();

const ours: number[] = [];
const floor: number[] = [];
const notes: string[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const runOurs = async () => {
      ours.push(
        await timed(batches(messages), async (chunk) => {
          const results = await publisher.publish(chunk);
          if (results.some((r) => !r.ok)) throw new Error('a message failed');
        }),
      );
      await adminChannel.purgeQueue(queue);
    };
    const runFloor = async () => {
      floor.push(await timed(batches(encoded), (chunk) => rawSend(rawChannel, chunk)));
      await adminChannel.purgeQueue(queue);
    };
    if (round % 2 === 0) await runOurs().then(runFloor);
    else await runFloor().then(runOurs);
    notes.push(`round ${round + 1}: ours ${ours.at(-1)!.toFixed(0)} msgs/s, raw ${floor.at(-1)!.toFixed(0)} msgs/s, ratio ${(ours.at(-1)! / floor.at(-1)!).toFixed(3)}`);
  }
} finally {
  await publisher.close();
  await rawConnection.close();
  await adminChannel.deleteQueue(queue).catch(() => undefined);
  await adminChannel.deleteExchange(exchange).catch(() => undefined);
  await admin.close();
}

const group = `publish ${COUNT} msgs, batches of ${BATCH}, ${IN_FLIGHT} in flight, confirms, quorum queue`;
const results: BenchCaseResult[] = [
  { group, name: 'createRabbitMqPublisher (encode + confirms + results)', role: 'ours', opsPerSec: median(ours), unit: 'msgs/s', samples: ROUNDS },
  { group, name: 'raw amqplib ConfirmChannel.publish (pre-encoded)', role: 'floor', opsPerSec: median(floor), unit: 'msgs/s', samples: ROUNDS },
];
notes.push(`median ratio ours/raw: ${(median(ours) / median(floor)).toFixed(3)}x`);
for (const note of notes) console.log(note);
reportResults('@iap/rabbitmq', results, notes);
