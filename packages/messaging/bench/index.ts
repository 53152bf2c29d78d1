/**
 * @iap/messaging benchmarks, all on real services in one run:
 * - relay throughput to a no-op publisher (batch 100 and 500) vs a raw `DELETE ... RETURNING` drain
 *   of the same rows with the same parallelism (the database floor);
 * - enqueue cost per business transaction vs the same transaction without the outbox insert
 *   (through `db.transaction`, and through a raw `pg` client where the NOTIFY goes inside the tx);
 * Relay → Kafka is measured in @iap/kafka's benchmark (bench/relay-to-kafka.ts), which can use @iap/kafka's publisher.
 *
 * The machine is shared, so every group runs ROUNDS times with its cases alternating, and the
 * median run of each case is reported. Every run gets a fresh schema filled with identical rows.
 * Needs PostgreSQL at DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { createEnvelope, type PublishMessage, type PublishResult, type Publisher } from '@iap/core';
import pg from 'pg';
import { measureThroughput, reportResults, type BenchCaseResult, type BenchRole } from '../../../scripts/bench-kit.js';
import { requirePostgres } from '../../../scripts/testing/services.js';
import { createOutbox, createRelay, migrate, type Outbox, type SqlExecutor } from '../src/index.js';
import { createPostgresDatabase } from '../src/postgres.js';

const RELAY_MESSAGES = Number(process.env.IAP_BENCH_RELAY_MESSAGES ?? 10_000);
const ENQUEUE_TRANSACTIONS = Number(process.env.IAP_BENCH_ENQUEUE_TX ?? 800);
const ROUNDS = Number(process.env.IAP_BENCH_ROUNDS ?? 3);
const CONCURRENT_WRITERS = 8;
const IN_FLIGHT = 2; // the relay's default maxBatchesInFlight; the floors use the same parallelism

const service = await requirePostgres();
if (!service.available) {
  console.error('PostgreSQL is required for the @iap/messaging benchmark (DATABASE_URL); nothing measured.');
  process.exit(1);
}
const pool = new pg.Pool({ connectionString: service.url, max: CONCURRENT_WRITERS + 4 });
const db = createPostgresDatabase({ pool });

async function withSchema<T>(fn: (schema: string) => Promise<T>): Promise<T> {
  const schema = `iap_msg_bench_${randomBytes(5).toString('hex')}`;
  await migrate(db, { schema });
  try {
    return await fn(schema);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

function orderEvent(i: number): ReturnType<typeof createEnvelope> {
  return createEnvelope({ type: 'order.placed', source: '/bench', data: { orderId: `o-${i}`, total: 129.5, lines: 3 }, partitionKey: `o-${i}` });
}

async function fill(outbox: Outbox, count: number): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const size = Math.min(1000, count - start);
    await db.transaction((tx) => outbox.enqueue(tx, Array.from({ length: size }, (_, i) => ({ destination: 'orders', envelope: orderEvent(start + i) }))));
  }
  await pool.query(`VACUUM ANALYZE "${outbox.tables.schema}".iap_outbox`);
}

const noopPublisher: Publisher = {
  publish: (messages: readonly PublishMessage[]): Promise<PublishResult[]> => Promise.resolve(messages.map((m) => ({ id: m.id, ok: true }))),
  close: () => Promise.resolve(),
};

/** A started relay with its defaults (two batches in flight) drains `count` fresh rows. */
function relayDrain(group: string, name: string, batchSize: number, publisher: Publisher, count = RELAY_MESSAGES): () => Promise<BenchCaseResult> {
  return () =>
    withSchema(async (schema) => {
      const outbox = createOutbox({ schema });
      await fill(outbox, count);
      const relay = createRelay({ database: db, outbox, publisher, batchSize, listen: false, metricsIntervalMs: 0, minPollIntervalMs: 1, maxPollIntervalMs: 5 });
      let published = 0;
      const result = await measureThroughput(group, name, 'ours', count, () =>
        new Promise<void>((resolve) => {
          relay.on('batch', (b) => {
            published += b.published;
            if (published >= count) resolve();
          });
          relay.start();
        }),
      );
      await relay.stop();
      if (published !== count) throw new Error(`relay published ${published} of ${count}`);
      return result;
    });
}

/** The database floor: the same rows deleted and returned in batches, with the relay's parallelism. */
function rawDrain(group: string, batchSize: number): () => Promise<BenchCaseResult> {
  return () =>
    withSchema(async (schema) => {
      await fill(createOutbox({ schema }), RELAY_MESSAGES);
      const table = `"${schema}".iap_outbox`;
      const sql = `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE status = 'pending' ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, message_id, destination, partition_key, headers, envelope, data`;
      let drained = 0;
      const result = await measureThroughput(group, `raw DELETE ... RETURNING drain (batch ${batchSize}, ${IN_FLIGHT} in parallel)`, 'floor', RELAY_MESSAGES, async () => {
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            for (;;) {
              const { rowCount } = await pool.query(sql, [batchSize]);
              if (!rowCount) break;
              drained += rowCount;
            }
          }),
        );
      });
      if (drained !== RELAY_MESSAGES) throw new Error(`raw drain deleted ${drained} of ${RELAY_MESSAGES}`);
      return result;
    });
}

/**
 * Business transactions (insert an order [+ enqueue its event]) by `writers` concurrent callers,
 * through `db.transaction` (the adapter: NOTIFY after the commit) or a raw `pg` client (a foreign
 * executor: NOTIFY inside the transaction).
 */
function enqueueCost(group: string, name: string, role: BenchRole, outboxOptions: { notify: boolean } | undefined, writers: number, via: 'adapter' | 'raw pg client' = 'adapter'): () => Promise<BenchCaseResult> {
  return () =>
    withSchema(async (schema) => {
      const outbox = outboxOptions === undefined ? undefined : createOutbox({ schema, notify: outboxOptions.notify });
      await pool.query(`CREATE TABLE "${schema}".orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric(12, 2) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
      const perWriter = Math.ceil(ENQUEUE_TRANSACTIONS / writers) * (writers > 1 ? 2 : 1);
      let counter = 0;
      const business = async (tx: SqlExecutor): Promise<void> => {
        const n = counter++;
        await tx.query(`INSERT INTO "${schema}".orders (customer, total) VALUES ($1, $2)`, [`c-${n % 500}`, 129.5]);
        if (outbox) await outbox.enqueue(tx, { destination: 'orders', envelope: createEnvelope({ type: 'order.placed', source: '/bench', data: { orderId: `o-${n}`, total: 129.5 }, partitionKey: `c-${n % 500}` }) });
      };
      return measureThroughput(
        group,
        name,
        role,
        perWriter * writers,
        async () => {
          await Promise.all(
            Array.from({ length: writers }, async () => {
              if (via === 'adapter') {
                for (let i = 0; i < perWriter; i++) await db.transaction(business);
                return;
              }
              const client = await pool.connect();
              try {
                for (let i = 0; i < perWriter; i++) {
                  await client.query('BEGIN');
                  await business(client);
                  await client.query('COMMIT');
                }
              } finally {
                client.release();
              }
            }),
          );
        },
        'tx/s',
      );
    });
}

/** Runs the cases of one group ROUNDS times, alternating their order, and keeps each case's median run. */
async function medianOf(cases: Array<() => Promise<BenchCaseResult>>): Promise<BenchCaseResult[]> {
  const runs: BenchCaseResult[][] = cases.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? cases.map((_, i) => i) : cases.map((_, i) => cases.length - 1 - i);
    for (const i of order) runs[i]!.push(await cases[i]!());
  }
  return runs.map((list) => {
    const sorted = [...list].sort((a, b) => a.opsPerSec - b.opsPerSec);
    return { ...sorted[Math.floor(sorted.length / 2)]!, samples: list.length };
  });
}


try {
  // warm up connections, JIT and the planner
  await relayDrain('warm-up', 'warm-up', 100, noopPublisher, 2_000)();
  const results: BenchCaseResult[] = [];
  for (const batch of [100, 500]) {
    const group = `relay drain to a no-op publisher, batch ${batch}`;
    results.push(...(await medianOf([relayDrain(group, `relay → no-op publisher (batch ${batch}, defaults)`, batch, noopPublisher), rawDrain(group, batch)])));
  }
  const sequential = 'enqueue: business tx (insert order [+ outbox row]), one writer';
  results.push(
    ...(await medianOf([
      enqueueCost(sequential, 'business tx without outbox', 'floor', undefined, 1),
      enqueueCost(sequential, 'business tx + enqueue (default: NOTIFY after commit)', 'ours', { notify: true }, 1),
      enqueueCost(sequential, 'business tx + enqueue (NOTIFY off)', 'ours', { notify: false }, 1),
    ])),
  );
  const concurrent = `enqueue: business tx, ${CONCURRENT_WRITERS} concurrent writers over 500 keys`;
  results.push(
    ...(await medianOf([
      enqueueCost(concurrent, 'business tx without outbox', 'floor', undefined, CONCURRENT_WRITERS),
      enqueueCost(concurrent, 'business tx + enqueue (default: NOTIFY after commit)', 'ours', { notify: true }, CONCURRENT_WRITERS),
      enqueueCost(concurrent, 'business tx + enqueue (NOTIFY off)', 'ours', { notify: false }, CONCURRENT_WRITERS),
      enqueueCost(concurrent, 'raw pg client + enqueue (NOTIFY inside the tx)', 'ours', { notify: true }, CONCURRENT_WRITERS, 'raw pg client'),
    ])),
  );
  const version = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
  reportResults('@iap/messaging', results, [
    `PostgreSQL ${version}; median of ${ROUNDS} alternating runs per case; ${RELAY_MESSAGES} messages per relay run (one partition key each); ${ENQUEUE_TRANSACTIONS} business transactions per enqueue run`,
  ]);
} finally {
  await db.close();
  await pool.end();
}
