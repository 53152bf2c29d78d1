/**
 * `pnpm bench:relay` for @iap/kafka (also the second half of `pnpm bench`): the @iap/messaging outbox
 * relay publishing through `createKafkaPublisher` to the real broker, against the floor, raw kafkajs
 * `sendBatch` of the same records. Needs PostgreSQL (DATABASE_URL) and Kafka (KAFKA_BROKERS).
 *
 * For each batch size (100 and 500) and each round:
 * - ours: IAP_RELAY_BENCH_COUNT messages (default 20,000; ~500-byte JSON data, 2,000 partition
 *   keys) are enqueued into a fresh outbox schema beforehand (not timed); then a started relay
 *   (`createRelay` + `createKafkaPublisher`, `maxBatchesInFlight` IAP_RELAY_BENCH_IN_FLIGHT, default
 *   4) is timed from `start()` until its `batch` events account for every message (claimed,
 *   published with acks -1, acknowledged in PostgreSQL);
 * - floor: the same number of records, encoded with `encodeKafkaRecord` outside the timing, sent
 *   with raw kafkajs `sendBatch` (idempotent producer, acks -1) in chunks of the same batch size,
 *   with the same number of `sendBatch` calls in flight as the relay's `maxBatchesInFlight`.
 *
 * The two cases alternate which goes first, IAP_RELAY_BENCH_ROUNDS rounds (default 5), each to its
 * own fresh topic (3 partitions); the median round of each case is reported, and every round's
 * paired ratio goes into the notes. Diagnostics in the notes (not ratios): the Node process's CPU
 * time per case, and the same relay draining to a publisher that does no I/O (its database-side
 * ceiling). Records are binary-mode CloudEvents (the publisher's default);
 * IAP_RELAY_BENCH_MODE=structured measures structured mode on both sides. Other knobs:
 * IAP_RELAY_BENCH_BATCHES (default `100,500`), IAP_RELAY_BENCH_KEYS (default 2,000). Schemas and
 * topics are dropped/deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import { createEnvelope, type Envelope, type Publisher } from '@iap/core';
import { createOutbox, createRelay, migrate, type MessagingDatabase, type Outbox } from '@iap/messaging';
import { createPostgresDatabase } from '@iap/messaging/postgres';
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { median, reportResults, type BenchCaseResult } from '../../../scripts/bench-kit.js';
import { requireKafka, requirePostgres } from '../../../scripts/testing/services.js';
import { createKafkaPublisher, encodeKafkaRecord, } from '../src/index.js';
import { createKafkaJsTransport } from '../src/kafkajs.js';

const COUNT = Number(process.env.IAP_RELAY_BENCH_COUNT ?? 20_000);
const ROUNDS = Number(process.env.IAP_RELAY_BENCH_ROUNDS ?? 5);
const IN_FLIGHT = Number(process.env.IAP_RELAY_BENCH_IN_FLIGHT ?? 4);
const BATCH_SIZES = (process.env.IAP_RELAY_BENCH_BATCHES ?? '100,500').split(',').map(Number);
const MODE = process.env.IAP_RELAY_BENCH_MODE === 'structured' ? 'structured' : 'binary';
const KEYS = Number(process.env.IAP_RELAY_BENCH_KEYS ?? 2_000);
const PARTITIONS = 3;
const FILL_CHUNK = 1_000;

const [postgres, kafkaService] = await Promise.all([requirePostgres(), requireKafka()]);
if (!postgres.available || !kafkaService.available) {
  console.error('[iap] relay → Kafka needs PostgreSQL (DATABASE_URL) and Kafka (`bash scripts/kafka.sh up`); nothing was measured');
  process.exit(1);
}

const run = randomBytes(4).toString('hex');
const kafka = new Kafka({ clientId: 'iap-kafka-relay-bench', brokers: kafkaService.brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const db: MessagingDatabase = createPostgresDatabase({ connectionString: postgres.url, maxConnections: IN_FLIGHT + 4 });
const schemas: string[] = [];
const topics: string[] = [];

/** Order `n`: ~500 bytes of JSON data, keyed by one of KEYS customers. */
function order(n: number): Envelope {
  return createEnvelope({
    type: 'order.placed',
    source: '/orders-service',
    partitionKey: `customer-${n % KEYS}`,
    data: {
      orderId: `order-${n}`,
      customerId: `customer-${n % KEYS}`,
      currency: 'EUR',
      total: 1234.5,
      lines: Array.from({ length: 3 }, (_, i) => ({ sku: `SKU-${(n + i) % 5000}`, quantity: 1 + i, unitPrice: 19.99 + i })),
      note: 'Deliver to the loading dock at the back; call ahead. '.repeat(4),
    },
  });
}

async function freshTopic(name: string): Promise<string> {
  const topic = `iap-bench-relay-${name}-${run}-${topics.length}`;
  topics.push(topic);
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  return topic;
}

/** CPU time of this Node process during the last timed case (ms): the benchmark's own share of the 2 vCPUs. */
let lastCpuMs = 0;
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Relay diagnostics only: a publisher that acknowledges everything without I/O (the relay's database-side ceiling). */
const noopPublisher: Publisher = {
  publish: (messages) => Promise.resolve(messages.map((m) => ({ id: m.id, ok: true as const }))),
  close: () => Promise.resolve(),
};

/** A fresh outbox schema holding `COUNT` pending messages for `topic` (not timed). */
async function filledOutbox(topic: string): Promise<Outbox> {
  const schema = `iap_kafka_relay_bench_${run}_${schemas.length}`;
  schemas.push(schema);
  await migrate(db, { schema });
  const outbox = createOutbox({ schema, notify: false });
  for (let start = 0; start < COUNT; start += FILL_CHUNK) {
    const size = Math.min(FILL_CHUNK, COUNT - start);
    await db.transaction((tx) => outbox.enqueue(tx, Array.from({ length: size }, (_, i) => ({ destination: topic, envelope: order(start + i) }))));
  }
  await db.query(`VACUUM ANALYZE "${schema}".iap_outbox`);
  return outbox;
}

/** Ours: a started relay drains the filled outbox through the Kafka publisher; returns the elapsed ns. */
async function relayDrain(publisher: Publisher, topic: string, batchSize: number, count = COUNT): Promise<number> {
  const outbox = await filledOutbox(topic);
  const relay = createRelay({ database: db, outbox, publisher, batchSize, maxBatchesInFlight: IN_FLIGHT, listen: false, metricsIntervalMs: 0, minPollIntervalMs: 1, maxPollIntervalMs: 5 });
  let published = 0;
  let failed = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    relay.on('batch', (b) => {
      published += b.published;
      failed += b.retried + b.deadLettered + b.leaseLost + b.released;
      if (published >= count) resolve();
    });
    relay.start();
  });
  const elapsedNs = Number(process.hrtime.bigint() - start);
  lastCpuMs = cpuMs(cpu);
  await relay.stop();
  if (published !== count || failed !== 0) throw new Error(`relay published ${published} of ${count} (${failed} retried, dead-lettered, lost or released)`);
  return elapsedNs;
}

/** Floor: the same records, pre-encoded, sent with raw `sendBatch` with the relay's parallelism; returns the elapsed ns. */
async function rawSendBatch(producer: Producer, topic: string, batchSize: number): Promise<number> {
  const records = Array.from({ length: COUNT }, (_, n) => encodeKafkaRecord(order(n), { mode: MODE }) as unknown as Message);
  let next = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < COUNT) {
        const from = next;
        next += batchSize;
        await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: records.slice(from, from + batchSize) }] });
      }
    }),
  );
  const elapsedNs = Number(process.hrtime.bigint() - start);
  lastCpuMs = cpuMs(cpu);
  return elapsedNs;
}

const rate = (ns: number): number => (COUNT / ns) * 1e9;
const fmtMs = (ns: number): string => `${(ns / 1e6).toFixed(0)} ms wall`;
const k = (n: number): string => `${(n / 1000).toFixed(1)}k/s`;

const results: BenchCaseResult[] = [];
const notes: string[] = [];
await admin.connect();
const publisher = createKafkaPublisher({ transport: createKafkaJsTransport({ kafka }), mode: MODE });
const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
try {
  await Promise.all([publisher.connect(), producer.connect()]);
  // warm-up: connections, metadata, JIT and the planner
  const warmupTopic = await freshTopic('warmup');
  await relayDrain(publisher, warmupTopic, 500, COUNT);
  await rawSendBatch(producer, warmupTopic, 500);

  for (const batchSize of BATCH_SIZES) {
    const group = `relay → Kafka, batch ${batchSize}`;
    const oursTopic = await freshTopic(`ours-${batchSize}`);
    const floorTopic = await freshTopic(`floor-${batchSize}`);
    // one record to each fresh topic first, so neither side pays the first write to new partitions
    const first = order(-1);
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic: floorTopic, messages: [encodeKafkaRecord(first, { mode: MODE }) as unknown as Message] }] });
    await publisher.publish([{ id: first.id, destination: oursTopic, partitionKey: first.partitionKey, headers: {}, envelope: first }]);
    const ours: number[] = [];
    const floor: number[] = [];
    const ratios: number[] = [];
    const noop: number[] = [];
    const cpu = { ours: [] as number[], floor: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      let oursNs: number;
      let floorNs: number;
      if (round % 2 === 0) {
        floorNs = await rawSendBatch(producer, floorTopic, batchSize);
        cpu.floor.push(lastCpuMs);
        oursNs = await relayDrain(publisher, oursTopic, batchSize);
        cpu.ours.push(lastCpuMs);
      } else {
        oursNs = await relayDrain(publisher, oursTopic, batchSize);
        cpu.ours.push(lastCpuMs);
        floorNs = await rawSendBatch(producer, floorTopic, batchSize);
        cpu.floor.push(lastCpuMs);
      }
      noop.push(rate(await relayDrain(noopPublisher, oursTopic, batchSize)));
      ours.push(rate(oursNs));
      floor.push(rate(floorNs));
      ratios.push(floorNs / oursNs);
      console.log(`${group}, round ${round + 1}: relay ${k(rate(oursNs))} (${fmtMs(oursNs)}, Node CPU ${cpu.ours.at(-1)!.toFixed(0)} ms), sendBatch ${k(rate(floorNs))} (${fmtMs(floorNs)}, Node CPU ${cpu.floor.at(-1)!.toFixed(0)} ms), ratio ${(floorNs / oursNs).toFixed(2)}x; relay → no-op publisher ${k(noop.at(-1)!)}`);
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    notes.push(
      `${group}: per-round ratios ${ratios.map((r) => r.toFixed(2)).join(' / ')} (median ${median(ratios).toFixed(2)}x, range ${sorted[0]!.toFixed(2)}-${sorted.at(-1)!.toFixed(2)}x); relay ${ours.map(k).join(' / ')}, sendBatch ${floor.map(k).join(' / ')}; Node CPU per run: relay ${median(cpu.ours).toFixed(0)} ms, sendBatch ${median(cpu.floor).toFixed(0)} ms (medians); same relay to a no-op publisher (database side only): ${noop.map(k).join(' / ')}`,
    );
    const result = (name: string, role: BenchCaseResult['role'], rates: number[]): BenchCaseResult => ({ group, name, role, opsPerSec: median(rates), unit: 'msgs/s', nsPerOp: 1e9 / median(rates), samples: rates.length });
    results.push(result(`createRelay + createKafkaPublisher (batch ${batchSize}, ${IN_FLIGHT} in flight)`, 'ours', ours));
    results.push(result(`kafkajs sendBatch, pre-encoded (batch ${batchSize}, ${IN_FLIGHT} in parallel)`, 'floor', floor));
  }
  const version = (await db.query(`SELECT current_setting('server_version') AS v`)).rows as Array<{ v: string }>;
  notes.unshift(
    `${COUNT} messages per run (${Buffer.byteLength(JSON.stringify(order(1).data))} B JSON data, ${KEYS} partition keys), ${PARTITIONS} partitions, idempotent producer, acks -1; ${MODE} mode; median of ${ROUNDS} alternating rounds; PostgreSQL ${version[0]?.v ?? '?'}`,
  );
} finally {
  await publisher.close().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  for (const schema of schemas) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await db.close();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

reportResults('@iap/kafka/relay-to-kafka', results, notes);
