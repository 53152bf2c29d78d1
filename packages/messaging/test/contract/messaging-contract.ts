/**
 * The behaviour every MessagingDatabase must show, run against PostgreSQL (`pg`) and PGlite.
 * Time comes from ManualClocks (passed into SQL as parameters), so backoff, leases and polls are
 * deterministic even on a real database.
 */
import { ErrorCode, IapError, ManualClock, createEnvelope, createTraceparent, seededRandom, toCloudEvent, type Envelope, type Publisher, type Telemetry } from '@iap/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createInbox,
  createOutbox,
  createRelay,
  migrate,
  type MessagingDatabase,
  type Outbox,
  type OutboxOptions,
  type Relay,
  type RelayEvents,
  type RelayOptions,
} from '../../src/index.js';
import { MIGRATIONS } from '../../src/internal/migration-sql.js';
import { outboxInternals } from '../../src/internal/outbox-internals.js';
import { resolveTableNames } from '../../src/internal/table-names.js';
import { dropSchema, randomSchema } from '../support/databases.js';
import { TestPublisher } from '../support/test-publisher.js';
import { createLatch, waitFor } from '../support/wait-for.js';

/** A database under test. */
export interface ContractTarget {
  readonly name: string;
  /** Opens the database shared by the whole suite. */
  open(): Promise<MessagingDatabase>;
  /** Opens an independent second handle (another pool) when the engine has more than one connection. */
  openSecond?: () => Promise<MessagingDatabase>;
}

const T0 = Date.UTC(2030, 0, 1);

function event(key: string | undefined, n: number, data: Record<string, unknown> = {}): Envelope {
  return createEnvelope({ type: 'test.event', source: '/contract', data: { n, ...data }, ...(key === undefined ? {} : { partitionKey: key }) });
}

export function messagingContract(target: ContractTarget): void {
  describe(`messaging contract on ${target.name}`, () => {
    let db: MessagingDatabase;
    const schemas: string[] = [];
    const relays: Relay[] = [];

    beforeAll(async () => {
      db = await target.open();
    }, 120_000);

    afterEach(async () => {
      for (const relay of relays.splice(0)) await relay.stop({ timeoutMs: 0 });
    });

    afterAll(async () => {
      for (const schema of schemas) await dropSchema(db, schema);
      await db.close();
    });

    async function setup(options: Omit<OutboxOptions, 'schema'> = {}): Promise<{ schema: string; outbox: Outbox; clock: ManualClock; publisher: TestPublisher; relay: (extra?: Partial<RelayOptions>) => Relay }> {
      const schema = randomSchema();
      schemas.push(schema);
      await migrate(db, { schema });
      const clock = new ManualClock(T0);
      const outbox = createOutbox({ schema, clock, ...options });
      const publisher = new TestPublisher();
      const relay = (extra: Partial<RelayOptions> = {}): Relay => {
        const r = createRelay({ database: db, outbox, publisher, clock, random: seededRandom(7), listen: false, metricsIntervalMs: 0, ...extra });
        relays.push(r);
        return r;
      };
      return { schema, outbox, clock, publisher, relay };
    }

    async function enqueue(outbox: Outbox, items: Array<[string | undefined, number]>, destination = 'orders'): Promise<void> {
      await db.transaction((tx) => outbox.enqueue(tx, items.map(([key, n]) => ({ destination, envelope: event(key, n) }))));
    }

    /** The shared database, except that `statement` fails once (a dropped connection), and a one-slot relay on it. */
    function relayFailingOnce(outbox: Outbox, publisher: TestPublisher, fails: (text: string, params: readonly unknown[]) => boolean): Relay {
      let failedOnce = false;
      const flaky = (text: string, params: unknown[] = []) => {
        if (!failedOnce && fails(text, params)) {
          failedOnce = true;
          return Promise.reject(Object.assign(new Error('connection reset'), { code: '08006' }));
        }
        return db.query(text, params);
      };
      const database: MessagingDatabase = { query: flaky, queryPrepared: flaky, transaction: (fn) => db.transaction(fn), close: () => Promise.resolve() };
      const r = createRelay({ database, outbox, publisher, clock: new ManualClock(T0), random: seededRandom(7), listen: false, metricsIntervalMs: 0, batchSize: 1, maxBatchesInFlight: 1 });
      relays.push(r);
      return r;
    }

    /** The shared database, telling `seen` of every statement once it has completed. */
    function observedDatabase(seen: (text: string, params: readonly unknown[]) => void): MessagingDatabase {
      const observed = async (text: string, params: unknown[] = []) => {
        const result = await db.query(text, params);
        seen(text, params);
        return result;
      };
      return { query: observed, queryPrepared: observed, transaction: (fn) => db.transaction(fn), close: () => Promise.resolve() };
    }

    async function drain(relay: Relay, rounds = 50): Promise<void> {
      for (let i = 0; i < rounds; i++) if ((await relay.runOnce()).claimed === 0) return;
      throw new Error('the relay did not drain');
    }

    describe('migrate', () => {
      it('is idempotent, safe when run concurrently, and records the version', async () => {
        const schema = randomSchema();
        schemas.push(schema);
        const results = await Promise.all([migrate(db, { schema }), migrate(db, { schema }), migrate(db, { schema })]);
        expect(results.flatMap((r) => r.applied)).toEqual([1, 2, 3]);
        expect(results.every((r) => r.version === 3)).toBe(true);
        expect((await migrate(db, { schema })).applied).toEqual([]);
        const rows = await db.query(`SELECT version FROM "${schema}".iap_migrations`);
        expect(rows.rows).toHaveLength(3);
      });

      it('honours the table prefix', async () => {
        const schema = randomSchema();
        schemas.push(schema);
        await migrate(db, { schema, tablePrefix: 'svc_' });
        const rows = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
        expect(rows.rows.map((r) => (r as { table_name: string }).table_name)).toEqual(['svc_idempotency_keys', 'svc_inbox', 'svc_migrations', 'svc_outbox', 'svc_outbox_leases']);
      });

      it('upgrades a version 2 schema whose rows an older relay had leased: they become claimable, none is lost', async () => {
        const schema = randomSchema();
        schemas.push(schema);
        const names = resolveTableNames({ schema });
        // the schema as version 2 left it, with one row leased by a relay of that version
        await db.transaction(async (tx) => {
          await tx.query(`CREATE SCHEMA "${schema}"`);
          await tx.query(`CREATE TABLE ${names.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
          for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
            for (const statement of migration.statements(names)) await tx.query(statement);
            await tx.query(`INSERT INTO ${names.migrations} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
          }
        });
        const outbox = createOutbox({ schema, clock: new ManualClock(T0) });
        // rows as a version 2 writer stored them: data inside the envelope
        const oldRow = async (key: string, n: number): Promise<void> => {
          const envelope = event(key, n);
          await db.query(`INSERT INTO ${names.outbox} (message_id, destination, partition_key, envelope, created_at, available_at) VALUES ($1, 'orders', $2, $3::jsonb, to_timestamp($4::float8 / 1000), to_timestamp($4::float8 / 1000))`, [envelope.id, key, JSON.stringify(toCloudEvent(envelope)), T0]);
        };
        await oldRow('a', 1);
        await oldRow('a', 2);
        await oldRow('b', 1);
        await db.query(`UPDATE ${names.outbox} SET claimed_by = 'old-relay', lease_until = now() + interval '1 hour', lease_token = 1, attempts = 1 WHERE id = (SELECT min(id) FROM ${names.outbox})`);
        expect((await migrate(db, { schema })).applied).toEqual([3]);
        // the migration moved every row's data to the data column
        const moved = await db.query(`SELECT count(*)::int AS n FROM ${names.outbox} WHERE data IS NOT NULL AND NOT envelope ? 'data'`);
        expect(moved.rows[0]).toEqual({ n: 3 });
        // a writer of the previous version, still running, keeps writing data inside the envelope
        await oldRow('c', 1);
        const publisher = new TestPublisher();
        const relay = createRelay({ database: db, outbox, publisher, clock: new ManualClock(T0), random: seededRandom(7), listen: false, metricsIntervalMs: 0 });
        relays.push(relay);
        await drain(relay);
        expect(publisher.sequence('a')).toEqual([1, 2]);
        expect(publisher.sequence('b')).toEqual([1]);
        expect(publisher.sequence('c')).toEqual([1]);
        expect((await outbox.stats(db)).pending).toBe(0);
      });

      it('refuses a schema newer than the package with MIGRATION_FAILED', async () => {
        const { schema } = await setup();
        await db.query(`INSERT INTO "${schema}".iap_migrations (version, name) VALUES (99, 'future')`);
        await expect(migrate(db, { schema })).rejects.toMatchObject({ code: ErrorCode.MIGRATION_FAILED });
      });
    });

    describe('enqueue', () => {
      it('writes only when the caller transaction commits', async () => {
        const { outbox } = await setup();
        await expect(
          db.transaction(async (tx) => {
            await outbox.enqueue(tx, { destination: 'orders', envelope: event('k', 1) });
            throw new Error('business rule failed');
          }),
        ).rejects.toThrow('business rule failed');
        expect((await outbox.stats(db)).pending).toBe(0);
        await enqueue(outbox, [['k', 2]]);
        expect((await outbox.stats(db)).pending).toBe(1);
      });

      it('rejects malformed messages with a ValidationError naming each path, writing nothing', async () => {
        const { outbox } = await setup();
        const bad = [
          { destination: '', envelope: event('k', 1) },
          { destination: 'orders', envelope: { id: 1 } },
          { destination: 'orders', envelope: event('k', 2), headers: { a: 5 } },
        ] as unknown as Parameters<Outbox['enqueue']>[1];
        const error = await db.transaction((tx) => outbox.enqueue(tx, bad)).catch((e: unknown) => e);
        expect(IapError.isInstance(error) && error.code).toBe(ErrorCode.VALIDATION);
        const paths = (error as { issues: Array<{ path: unknown[] }> }).issues.map((i) => i.path.slice(0, 2).join('.'));
        expect(paths).toEqual(expect.arrayContaining(['0.destination', '1.envelope', '2.headers']));
        expect((await outbox.stats(db)).pending).toBe(0);
      });

      it('fails with STORE_FAILED naming migrate when the tables are missing', async () => {
        const outbox = createOutbox({ schema: randomSchema() });
        const error = await db.transaction((tx) => outbox.enqueue(tx, { destination: 'orders', envelope: event('k', 1) })).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: ErrorCode.STORE_FAILED });
        expect((error as Error).message).toContain('migrate');
      });
    });

    describe('relay', () => {
      it('publishes every message once, per key in order, with headers, trace context and binary data', async () => {
        const { outbox, publisher, relay } = await setup();
        const traceparent = createTraceparent();
        const bytes = new Uint8Array([0, 1, 2, 255]);
        await db.transaction(async (tx) => {
          await outbox.enqueue(tx, [
            { destination: 'orders', envelope: createEnvelope({ type: 't', source: '/s', data: bytes, partitionKey: 'bin', traceparent }), headers: { tenant: 'acme' } },
          ]);
          await outbox.enqueue(tx, [1, 2, 3].map((n) => ({ destination: 'orders', envelope: event('a', n) })));
        });
        await enqueue(outbox, [['b', 1], ['a', 4], [undefined, 1], ['b', 2]]);
        const r = relay();
        await drain(r);
        expect(publisher.published).toHaveLength(8);
        expect(publisher.sequence('a')).toEqual([1, 2, 3, 4]);
        expect(publisher.sequence('b')).toEqual([1, 2]);
        const binary = publisher.published.find((m) => m.partitionKey === 'bin')!;
        expect(binary.envelope.data).toEqual(bytes);
        expect(binary.headers).toEqual({ tenant: 'acme', traceparent });
        expect(binary.envelope.traceparent).toBe(traceparent);
        expect((await outbox.stats(db)).pending).toBe(0);
      });

      it('passes JSON data on as the exact text enqueue wrote (key order kept), and keeps other content types exact', async () => {
        const { outbox, publisher, relay } = await setup();
        const data = { total: 1234.5, lines: [{ sku: 'A-1', quantity: 2 }], note: 'Größe ✓', nested: { z: 1, a: [true, null] } };
        const json = createEnvelope({ type: 't', source: '/s', data, partitionKey: 'json' });
        const text = createEnvelope({ type: 't', source: '/s', data: '{"not": "parsed"}', dataContentType: 'text/plain', partitionKey: 'text' });
        const none = createEnvelope({ type: 't', source: '/s', data: undefined, partitionKey: 'none' });
        await db.transaction((tx) => outbox.enqueue(tx, [json, text, none].map((envelope) => ({ destination: 'orders', envelope }))));
        await drain(relay());
        const byKey = new Map(publisher.published.map((m) => [m.partitionKey, m]));
        const sent = byKey.get('json')!;
        // byte for byte what JSON.stringify wrote at enqueue (jsonb would sort keys and add spaces);
        // the envelope parses it only when data is read
        expect(sent.dataJson).toBe(JSON.stringify(data));
        expect(sent.envelope.data).toEqual(JSON.parse(JSON.stringify(data)));
        expect(sent.envelope.data).toBe(sent.envelope.data);
        expect({ ...sent.envelope, data: undefined }).toEqual({ ...json, data: undefined });
        expect(byKey.get('text')!.dataJson).toBeUndefined();
        expect(byKey.get('text')!.envelope.data).toBe('{"not": "parsed"}');
        expect(byKey.get('none')!.dataJson).toBeUndefined();
        expect(byKey.get('none')!.envelope.data).toBeUndefined();
      });

      it('never has two messages of one key in flight, across relays', async () => {
        const { outbox, publisher, relay } = await setup();
        await enqueue(outbox, [['a', 1], ['a', 2], ['b', 1], ['b', 2], ['c', 1]]);
        const gate = createLatch();
        publisher.gate = gate.promise;
        const first = relay({ batchSize: 2 });
        const second = relay({ batchSize: 100 });
        const firstRound = first.runOnce();
        await waitFor(() => publisher.calls.length === 1, 'the first relay to publish');
        const heldKeys = publisher.calls[0]!.map((m) => m.partitionKey);
        expect(heldKeys).toEqual(['a', 'b']);
        publisher.gate = undefined;
        const secondRound = await second.runOnce();
        // only c is free: a and b have a message in flight at the first relay
        expect(secondRound.claimed).toBe(1);
        expect(publisher.calls[1]!.map((m) => m.partitionKey)).toEqual(['c']);
        gate.open();
        await firstRound;
        await drain(second);
        expect(publisher.sequence('a')).toEqual([1, 2]);
        expect(publisher.sequence('b')).toEqual([1, 2]);
        expect(publisher.published).toHaveLength(5);
      });

      it('lets several relays drain concurrently without double publishing', async () => {
        const { outbox, publisher, relay } = await setup();
        const items: Array<[string, number]> = [];
        for (let n = 0; n < 20; n++) for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) items.push([key, n]);
        await enqueue(outbox, items);
        const workers = [relay({ batchSize: 3 }), relay({ batchSize: 4 }), relay({ batchSize: 5 })];
        await Promise.all(workers.map((w) => drain(w, 500)));
        for (let i = 0; i < 3; i++) for (const w of workers) await drain(w, 500);
        expect(publisher.published).toHaveLength(items.length);
        expect(new Set(publisher.published.map((m) => m.id)).size).toBe(items.length);
        for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) expect(publisher.sequence(key)).toEqual([...Array(20).keys()]);
      });

      it('blocks only the failing key, with jittered backoff, while other keys flow', async () => {
        const { outbox, publisher, relay, clock } = await setup();
        await enqueue(outbox, [['bad', 1], ['good', 1], ['bad', 2], ['good', 2], ['other', 1]]);
        publisher.failing.set('bad', { retryable: true });
        const retries: Array<RelayEvents['retry']> = [];
        const r = relay({ retry: { maxAttempts: 5, backoff: { kind: 'constant', delayMs: 1000 }, jitter: 'equal' } });
        r.on('retry', (e) => retries.push(e));
        await drain(r);
        expect(publisher.sequence('good')).toEqual([1, 2]);
        expect(publisher.sequence('other')).toEqual([1]);
        expect(retries).toHaveLength(1);
        const delay = retries[0]!.retryInMs;
        expect(delay).toBeGreaterThanOrEqual(500);
        expect(delay).toBeLessThanOrEqual(1000);
        expect(retries[0]).toMatchObject({ partitionKey: 'bad', attempt: 1 });
        // still inside the backoff: nothing of the key is claimed
        clock.advance(delay - 1);
        expect((await r.runOnce()).claimed).toBe(0);
        publisher.failing.delete('bad');
        clock.advance(1);
        await drain(r);
        expect(publisher.sequence('bad')).toEqual([1, 2]);
      });

      it('honours a retryAfterMs hint from the publisher', async () => {
        const { outbox, publisher, relay, clock } = await setup();
        await enqueue(outbox, [['k', 1]]);
        publisher.failing.set('k', { retryable: true, retryAfterMs: 4321 });
        const retries: number[] = [];
        const r = relay();
        r.on('retry', (e) => retries.push(e.retryInMs));
        await r.runOnce();
        expect(retries).toEqual([4321]);
        publisher.failing.clear();
        clock.advance(4320);
        expect((await r.runOnce()).claimed).toBe(0);
        clock.advance(1);
        expect((await r.runOnce()).published).toBe(1);
      });

      it('dead-letters a poison message after the cap, unblocking its key; replay and discard work', async () => {
        const { outbox, publisher, relay, clock } = await setup();
        await enqueue(outbox, [['poison', 1], ['poison', 2], ['fine', 1]]);
        const poisonId = (await db.query(`SELECT message_id FROM "${outbox.tables.schema}".iap_outbox ORDER BY id LIMIT 1`)).rows[0] as { message_id: string };
        publisher.failing.set(poisonId.message_id, { retryable: true });
        const dead: Array<RelayEvents['deadLettered']> = [];
        const r = relay({ retry: { maxAttempts: 3, backoff: { kind: 'constant', delayMs: 100 }, jitter: 'none' } });
        r.on('deadLettered', (e) => dead.push(e));
        await drain(r);
        expect(publisher.sequence('fine')).toEqual([1]);
        clock.advance(100);
        await drain(r);
        expect(dead).toHaveLength(0);
        clock.advance(100);
        await drain(r);
        expect(dead).toHaveLength(1);
        expect(dead[0]).toMatchObject({ messageId: poisonId.message_id, attempt: 3, partitionKey: 'poison' });
        expect(dead[0]!.reason).toContain('gave up after 3 attempt(s)');
        // the key is unblocked at once
        expect(publisher.sequence('poison')).toEqual([2]);
        const stats = await outbox.stats(db);
        expect(stats).toMatchObject({ pending: 0, deadLetters: 1 });
        const letters = await outbox.listDeadLetters(db);
        expect(letters).toHaveLength(1);
        expect(letters[0]).toMatchObject({ messageId: poisonId.message_id, destination: 'orders', partitionKey: 'poison', attempts: 3 });
        expect(letters[0]!.envelope?.id).toBe(poisonId.message_id);
        // the envelope comes back whole: attributes and the data stored beside them
        expect(letters[0]!.envelope?.data).toEqual({ n: 1 });
        expect(letters[0]!.lastError).toContain('PUBLISH_FAILED');
        // replay: healed publisher publishes it
        publisher.failing.clear();
        expect(await outbox.replayDeadLetters(db, [letters[0]!.id, '999999999'])).toBe(1);
        await drain(r);
        expect(publisher.sequence('poison')).toEqual([2, 1]);
        expect(await outbox.listDeadLetters(db)).toEqual([]);
        // discard
        publisher.failing.set('fine', { retryable: false });
        await enqueue(outbox, [['fine', 2]]);
        await drain(r);
        const [again] = await outbox.listDeadLetters(db, { destination: 'orders' });
        expect(await outbox.discardDeadLetters(db, [again!.id])).toBe(1);
        expect((await outbox.stats(db)).deadLetters).toBe(0);
        await expect(outbox.replayDeadLetters(db, ['not-an-id'])).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
      });

      it('dead-letters a non-retryable failure at once', async () => {
        const { outbox, publisher, relay } = await setup();
        await enqueue(outbox, [['k', 1], ['k', 2]]);
        const first = (await db.query(`SELECT message_id FROM "${outbox.tables.schema}".iap_outbox ORDER BY id LIMIT 1`)).rows[0] as { message_id: string };
        publisher.failing.set(first.message_id, { retryable: false });
        const dead: string[] = [];
        const r = relay();
        r.on('deadLettered', (e) => dead.push(e.reason));
        await drain(r);
        expect(dead).toHaveLength(1);
        expect(dead[0]).toContain('non-retryable');
        expect(publisher.sequence('k')).toEqual([2]);
      });

      it('detects crash loops and dead-letters at the threshold; a stale relay loses its lease', async () => {
        const { outbox, publisher, relay } = await setup();
        await enqueue(outbox, [['k', 1]]);
        const gate = createLatch();
        publisher.gate = gate.promise;
        // three relays with their own clocks, each later than the previous one's lease
        const clocks = [new ManualClock(T0), new ManualClock(T0 + 2_000), new ManualClock(T0 + 4_000)];
        const loops: Array<RelayEvents['crashLoop']> = [];
        const lost: number[] = [];
        const dead: string[] = [];
        const [a, b, c] = clocks.map((clock) => relay({ clock, leaseMs: 1_000, crashLoopThreshold: 2 })) as [Relay, Relay, Relay];
        for (const r of [a, b, c]) {
          r.on('crashLoop', (e) => loops.push(e));
          r.on('leaseLost', (e) => lost.push(e.count));
          r.on('deadLettered', (e) => dead.push(e.reason));
        }
        const roundA = a.runOnce();
        await waitFor(() => publisher.calls.length === 1, 'relay a to publish');
        const roundB = b.runOnce();
        await waitFor(() => publisher.calls.length === 2, 'relay b to publish');
        expect(loops).toEqual([expect.objectContaining({ unfinishedClaims: 1, deadLettered: false })]);
        const roundC = await c.runOnce();
        expect(roundC).toMatchObject({ claimed: 1, deadLettered: 1, published: 0 });
        expect(loops[1]).toMatchObject({ unfinishedClaims: 2, deadLettered: true });
        expect(dead[0]).toContain('crash loop');
        gate.open();
        expect((await roundA).leaseLost).toBe(1);
        expect((await roundB).leaseLost).toBe(1);
        expect(lost).toEqual([1, 1]);
        expect((await outbox.stats(db)).deadLetters).toBe(1);
      });

      it('dead-letters a row whose stored envelope is not valid (MESSAGE_DECODE)', async () => {
        const { outbox, publisher, relay } = await setup();
        await enqueue(outbox, [['k', 1], ['k', 2]]);
        await enqueue(outbox, [['s', 1], ['s', 2], ['d', 1], ['d', 2]]);
        const table = `"${outbox.tables.schema}".iap_outbox`;
        const first = `(SELECT min(id) FROM ${table} WHERE partition_key = $1)`;
        await db.query(`UPDATE ${table} SET envelope = '{"specversion":"0.3"}'::jsonb WHERE id = ${first}`, ['k']);
        // not an object at all: the claim itself must not fail on it
        await db.query(`UPDATE ${table} SET envelope = '"just a string"'::jsonb WHERE id = ${first}`, ['s']);
        // data and data_base64 together
        await db.query(`UPDATE ${table} SET envelope = envelope || '{"data_base64":"AAE="}'::jsonb WHERE id = ${first}`, ['d']);
        const reasons: string[] = [];
        const r = relay();
        r.on('deadLettered', (e) => reasons.push(e.reason));
        await drain(r);
        expect(reasons).toHaveLength(3);
        for (const reason of reasons) expect(reason).toContain('MESSAGE_DECODE');
        expect(reasons.join('\n')).toContain('data_base64');
        expect(publisher.sequence('k')).toEqual([2]);
        expect(publisher.sequence('s')).toEqual([2]);
        expect(publisher.sequence('d')).toEqual([2]);
        const [letter] = await outbox.listDeadLetters(db);
        expect(letter!.envelope).toBeUndefined();
      });

      it('hands the batch back without spending attempts when the publisher is unusable', async () => {
        const { outbox, publisher, relay } = await setup();
        await enqueue(outbox, [['k', 1]]);
        publisher.unusable = true;
        const errors: string[] = [];
        const r = relay();
        r.on('error', (e) => errors.push(e.error.code));
        expect(await r.runOnce()).toMatchObject({ claimed: 1, released: 1, published: 0 });
        expect(errors).toEqual([ErrorCode.CLOSED]);
        const row = (await db.query(`SELECT attempts, unfinished_claims, status FROM "${outbox.tables.schema}".iap_outbox`)).rows[0];
        expect(row).toMatchObject({ attempts: 0, unfinished_claims: 0, status: 'pending' });
        expect((await db.query(`SELECT token FROM "${outbox.tables.schema}".iap_outbox_leases`)).rows).toEqual([]);
        publisher.unusable = false;
        expect((await r.runOnce()).published).toBe(1);
      });

      it.each([
        ['deleted', {}],
        ['kept as published', { keepPublishedForMs: 60_000 }],
      ] as const)('a started relay acknowledges each batch with its next claim; keys stay in order (rows %s)', async (_, options) => {
        const { outbox, publisher, relay, schema } = await setup(options);
        // five keys, four messages each, one slot claiming five at a time: each batch's successors
        // are claimable only in the very statement that acknowledges the batch (the manual clock never
        // moves, so a slot that found nothing would never poll again)
        const items: Array<[string, number]> = [];
        for (let n = 1; n <= 4; n++) for (const key of ['a', 'b', 'c', 'd', 'e']) items.push([key, n]);
        await enqueue(outbox, items);
        const r = relay({ batchSize: 5, maxBatchesInFlight: 1 });
        const totals = { claimed: 0, published: 0, lost: 0 };
        const sizes: number[] = [];
        r.on('batch', (b) => {
          sizes.push(b.claimed);
          totals.claimed += b.claimed;
          totals.published += b.published;
          totals.lost += b.leaseLost + b.retried + b.deadLettered + b.released;
        });
        r.start();
        await waitFor(() => totals.published === 20, 'all 20 messages acknowledged', 5_000);
        await r.stop();
        expect(totals).toEqual({ claimed: 20, published: 20, lost: 0 });
        expect(sizes).toEqual([5, 5, 5, 5]);
        expect(publisher.published).toHaveLength(20);
        for (const key of ['a', 'b', 'c', 'd', 'e']) expect(publisher.sequence(key)).toEqual([1, 2, 3, 4]);
        const { rows } = await db.query(`SELECT status, count(*)::int AS n FROM "${schema}".iap_outbox GROUP BY status`);
        expect(rows).toEqual('keepPublishedForMs' in options ? [{ status: 'published', n: 20 }] : []);
      });

      it('counts a batch acknowledged with the next claim once, when recording the next batch fails', async () => {
        const { outbox, publisher } = await setup();
        await enqueue(outbox, [['ok', 1], ['bad', 1]]);
        publisher.failing.set('bad', { retryable: true });
        const sql = outboxInternals(outbox)!.sql;
        const r = relayFailingOnce(outbox, publisher, (text) => text === sql.fail);
        const batches: Array<{ published: number; retried: number; leaseLost: number }> = [];
        const lost: number[] = [];
        let errors = 0;
        r.on('batch', (b) => batches.push({ published: b.published, retried: b.retried, leaseLost: b.leaseLost }));
        r.on('leaseLost', (e) => lost.push(e.count));
        r.on('error', () => errors++);
        r.start();
        await waitFor(() => errors === 1, 'the failed recording of the second batch', 5_000);
        await r.stop({ timeoutMs: 0 });
        // the first batch was acknowledged by the statement that claimed the second: counted once
        expect(batches).toEqual([{ published: 1, retried: 0, leaseLost: 0 }]);
        expect(lost).toEqual([]);
        expect(publisher.sequence('ok')).toEqual([1]);
      });

      it('acknowledges a published batch on its own when the statement that was to carry it fails', async () => {
        const { outbox, publisher, schema } = await setup();
        await enqueue(outbox, [['a', 1], ['b', 1]]);
        const sql = outboxInternals(outbox)!.sql;
        // the claim statement that carries an acknowledgement (lease tokens in its last parameter)
        const r = relayFailingOnce(outbox, publisher, (text, params) => text === sql.claimBatches && params[5] !== null);
        const batches: number[] = [];
        let errors = 0;
        r.on('batch', (b) => batches.push(b.published));
        r.on('error', () => errors++);
        r.start();
        await waitFor(() => errors === 1, 'the failed combined statement', 5_000);
        await r.stop({ timeoutMs: 0 });
        // the first batch is acknowledged by itself (its row is gone); the second was never claimed
        expect(batches).toEqual([1]);
        expect(publisher.published).toHaveLength(1);
        const { rows } = await db.query(`SELECT partition_key FROM "${schema}".iap_outbox`);
        expect((rows as Array<{ partition_key: string }>).map((row) => row.partition_key)).toEqual([publisher.published[0]!.partitionKey === 'a' ? 'b' : 'a']);
      });

      it('never claims again the rows it acknowledges in the same statement, even when their lease ran out', async () => {
        const { outbox } = await setup();
        await enqueue(outbox, [['a', 1], ['a', 2], ['b', 1]]);
        const sql = outboxInternals(outbox)!.sql;
        const first = (await db.query(sql.claimBatches, [T0, 10, 1, 'r1', 1_000, null])).rows as Array<{ id: string; lease_token: string; partition_key: string }>;
        expect(first.map((row) => row.partition_key).sort()).toEqual(['a', 'b']);
        // the lease has run out by the time the acknowledgement arrives: the rows are claimable heads again
        const later = T0 + 5_000;
        const rows = (await db.query(sql.claimBatches, [later, 10, 1, 'r1', 1_000, `{${first[0]!.lease_token}}`])).rows as Array<{ acked: number | null; id: string | null; partition_key: string | null; lease_token: string }>;
        // one row answers the acknowledgement of the first lease, the others are the new claim
        expect(rows.filter((row) => row.id === null)).toEqual([expect.objectContaining({ acked: 2, lease_token: first[0]!.lease_token })]);
        // only a's successor is claimed; the acknowledged rows are gone, not claimed a second time
        expect(rows.filter((row) => row.id !== null).map((row) => row.partition_key)).toEqual(['a']);
        expect((await outbox.stats(db)).pending).toBe(1);
      });

      it('claims several batches in one statement, each under its own lease, after acknowledging several', async () => {
        const { outbox, schema } = await setup();
        await enqueue(outbox, [['a', 1], ['b', 1], ['a', 2], ['b', 2], ['c', 1], ['d', 1], ['e', 1]]);
        const sql = outboxInternals(outbox)!.sql;
        type Row = { acked: number | null; id: string | null; partition_key: string | null; lease_token: string };
        const first = (await db.query(sql.claimBatches, [T0, 1, 2, 'r1', 60_000, null])).rows as Row[];
        // two batches of one: the two oldest heads (a1, b1), each with its own token
        expect(first.map((row) => row.partition_key)).toEqual(expect.arrayContaining(['a', 'b']));
        expect(new Set(first.map((row) => row.lease_token)).size).toBe(2);
        const tokens = `{${first.map((row) => row.lease_token).join(',')}}`;
        const second = (await db.query(sql.claimBatches, [T0, 2, 3, 'r1', 60_000, tokens])).rows as Row[];
        const acks = second.filter((row) => row.id === null);
        expect(acks.map((row) => [row.lease_token, row.acked]).sort()).toEqual(first.map((row) => [row.lease_token, 1]).sort());
        // a2, b2 (unblocked by the acknowledgements), c1, d1, e1 in id order: batches of 2, 2 and 1
        const claimed = second.filter((row) => row.id !== null);
        const byLease = new Map<string, string[]>();
        for (const row of claimed) byLease.set(row.lease_token, [...(byLease.get(row.lease_token) ?? []), row.partition_key!]);
        expect([...byLease.values()].map((keys) => keys.length).sort()).toEqual([1, 2, 2]);
        expect(claimed.map((row) => row.partition_key).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
        const leases = (await db.query(`SELECT cardinality(ids) AS n FROM "${schema}".iap_outbox_leases ORDER BY token`)).rows;
        expect(leases).toHaveLength(3);
      });

      it('claims ahead while the backlog is deep: fewer claim statements than batches, order per key kept', async () => {
        const { outbox, publisher, schema } = await setup();
        await enqueue(outbox, Array.from({ length: 240 }, (_, i): [string, number] => [`k${i % 80}`, Math.floor(i / 80) + 1]));
        const sql = outboxInternals(outbox)!.sql;
        const batchesAsked: number[] = [];
        const database = observedDatabase((text, params) => {
          if (text === sql.claimBatches) batchesAsked.push(params[2] as number);
        });
        const r = createRelay({ database, outbox, publisher, clock: new ManualClock(T0), random: seededRandom(7), listen: false, metricsIntervalMs: 0, batchSize: 10, maxBatchesInFlight: 4 });
        relays.push(r);
        let published = 0;
        r.on('batch', (b) => (published += b.published));
        r.start();
        await waitFor(() => published === 240, 'all 240 published', 10_000);
        await r.stop();
        // the first claim asks for one batch; once a claim comes back full, claims ask for four
        expect(batchesAsked[0]).toBe(1);
        expect(batchesAsked).toContain(4);
        // 24 batches of 10 took fewer claim statements (each acknowledging what was published before)
        expect(batchesAsked.length).toBeLessThan(24);
        for (let k = 0; k < 80; k++) expect(publisher.sequence(`k${k}`)).toEqual([1, 2, 3]);
        expect(publisher.published).toHaveLength(240);
        expect((await outbox.stats(db)).pending).toBe(0);
        expect((await db.query(`SELECT token FROM "${schema}".iap_outbox_leases`)).rows).toEqual([]);
      });

      it('on stop, hands back what it claimed ahead (no attempt counted) and acknowledges what it published', async () => {
        const { outbox, publisher, schema } = await setup();
        await enqueue(outbox, Array.from({ length: 60 }, (_, i): [string, number] => [`k${i}`, 1]));
        const sql = outboxInternals(outbox)!.sql;
        const batchesAsked: number[] = [];
        const database = observedDatabase((text, params) => {
          if (text === sql.claimBatches) batchesAsked.push(params[2] as number);
        });
        const first = createLatch();
        const second = createLatch();
        publisher.gate = first.promise;
        const r = createRelay({ database, outbox, publisher, clock: new ManualClock(T0), random: seededRandom(7), listen: false, metricsIntervalMs: 0, batchSize: 10, maxBatchesInFlight: 2 });
        relays.push(r);
        r.start();
        await waitFor(() => publisher.calls.length === 2, 'both slots publishing their first batch');
        // the first batches come back full: the next claim asks for two batches, one of which waits
        publisher.gate = second.promise;
        first.open();
        await waitFor(() => publisher.calls.length === 4, 'both slots publishing again');
        expect(batchesAsked).toContain(2);
        const stopped = r.stop();
        second.open();
        await stopped;
        const published = publisher.published.length;
        expect(published).toBe(40);
        // nothing stays leased; what was claimed ahead and not published is pending, with no attempt counted
        expect((await db.query(`SELECT token FROM "${schema}".iap_outbox_leases`)).rows).toEqual([]);
        const rows = (await db.query(`SELECT attempts, unfinished_claims FROM "${schema}".iap_outbox`)).rows as Array<{ attempts: number; unfinished_claims: number }>;
        expect(rows).toHaveLength(60 - published);
        expect(rows.every((row) => row.attempts === 0 && row.unfinished_claims === 0)).toBe(true);
        publisher.gate = undefined;
        const next = createRelay({ database: db, outbox, publisher, clock: new ManualClock(T0), random: seededRandom(7), listen: false, metricsIntervalMs: 0 });
        relays.push(next);
        await drain(next);
        for (let k = 0; k < 60; k++) expect(publisher.sequence(`k${k}`)).toEqual([1]);
      });

      /**
       * A started relay (2 slots, batch 10, 40 keys) whose first publish passes and whose second and
       * third wait: the first slot then claims two batches (its claim came back full), publishes one
       * and leaves the other waiting in the ready queue. Answers that waiting lease.
       */
      async function relayWithWaitingBatch(leaseMs: number) {
        const { outbox, publisher, schema } = await setup();
        await enqueue(outbox, Array.from({ length: 40 }, (_, i): [string, number] => [`k${i}`, 1]));
        const sql = outboxInternals(outbox)!.sql;
        const renewed: string[] = [];
        const database = observedDatabase((text, params) => {
          if (text === sql.renew) renewed.push(...(params[0] as string).slice(1, -1).split(','));
        });
        const latches = [undefined, createLatch(), createLatch()];
        let calls = 0;
        const handedOver = new Set<string>();
        const gated: Publisher = {
          publish: async (messages, options) => {
            for (const message of messages) handedOver.add(message.id);
            const latch = latches[calls++];
            if (latch !== undefined) await latch.promise;
            return publisher.publish(messages, options);
          },
          close: () => Promise.resolve(),
        };
        const clock = new ManualClock(T0);
        const r = createRelay({ database, outbox, publisher: gated, clock, random: seededRandom(7), listen: false, metricsIntervalMs: 0, batchSize: 10, maxBatchesInFlight: 2, leaseMs });
        relays.push(r);
        const lost: number[] = [];
        r.on('leaseLost', (e) => lost.push(e.count));
        r.start();
        await waitFor(() => calls === 3, 'three publishes under way');
        // the lease whose messages no publish call has seen
        const leases = (await db.query(`SELECT l.token::text AS token, array_agg(o.message_id) AS ids FROM "${schema}".iap_outbox_leases l CROSS JOIN LATERAL unnest(l.ids) AS u(id) JOIN "${schema}".iap_outbox o ON o.id = u.id GROUP BY l.token`)).rows as Array<{ token: string; ids: string[] }>;
        const waitingLeases = leases.filter((lease) => lease.ids.every((id) => !handedOver.has(id)));
        expect(waitingLeases).toHaveLength(1);
        const leaseUntil = async (token: string) => ((await db.query(`SELECT (extract(epoch from lease_until) * 1000)::float8 AS ms FROM "${schema}".iap_outbox_leases WHERE token = $1::bigint`, [token])).rows[0] as { ms: number } | undefined)?.ms;
        return { r, clock, schema, publisher, renewed, lost, handedOver, waiting: waitingLeases[0]!, leaseUntil, release: () => latches.forEach((latch) => latch?.open()) };
      }

      it('keeps the leases of batches claimed ahead from running out while they wait, also while stopping', async () => {
        const leaseMs = 30_000;
        const { r, clock, schema, publisher, renewed, waiting, leaseUntil, release } = await relayWithWaitingBatch(leaseMs);
        // a third of leaseMs later the waiting batch's lease is renewed, though no slot is free, in the
        // same statement as the leases of the batches being published
        clock.advance(leaseMs / 3);
        await waitFor(() => renewed.includes(waiting.token), 'the waiting lease renewed');
        expect(await leaseUntil(waiting.token)).toBe(T0 + leaseMs / 3 + leaseMs);
        const tokens = (await db.query(`SELECT token::text AS token FROM "${schema}".iap_outbox_leases`)).rows as Array<{ token: string }>;
        expect([...renewed].sort()).toEqual(tokens.map((row) => row.token).sort());
        // stopping waits for the slots; the waiting lease is still kept meanwhile
        const stopped = r.stop({ timeoutMs: 10 * leaseMs });
        for (const round of [2, 3]) {
          renewed.length = 0;
          clock.advance(leaseMs / 3);
          await waitFor(() => renewed.includes(waiting.token), 'the waiting lease renewed while stopping');
          expect(await leaseUntil(waiting.token)).toBe(T0 + (round * leaseMs) / 3 + leaseMs);
        }
        release();
        await stopped;
        // three batches published; the waiting one handed back; no lease left
        expect(publisher.published).toHaveLength(30);
        expect((await db.query(`SELECT token FROM "${schema}".iap_outbox_leases`)).rows).toEqual([]);
      });

      it('drops a batch claimed ahead whose lease another relay took over, without publishing it', async () => {
        const leaseMs = 30_000;
        const { r, clock, schema, publisher, lost, handedOver, waiting, release } = await relayWithWaitingBatch(leaseMs);
        // as a takeover does: the lease row goes
        await db.query(`DELETE FROM "${schema}".iap_outbox_leases WHERE token = $1::bigint`, [waiting.token]);
        clock.advance(leaseMs / 3);
        await waitFor(() => lost.length > 0, 'the lost batch counted');
        expect(lost).toEqual([10]);
        const stopped = r.stop({ timeoutMs: 10 * leaseMs });
        release();
        await stopped;
        expect(publisher.published).toHaveLength(30);
        for (const id of waiting.ids) expect(handedOver.has(id)).toBe(false);
      });

      it('never gives one row to two claims racing on separate connections (claims are serialised)', async () => {
        const { outbox, schema } = await setup();
        // 200 keys with one message each: every row is a claimable head, so racing claims want the same rows
        await enqueue(outbox, Array.from({ length: 200 }, (_, i): [string, number] => [`k${i}`, 1]));
        const sql = outboxInternals(outbox)!.sql;
        const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => db.query(sql.claimBatches, [T0, 40, 1, `r${i}`, 60_000, null])));
        const ids = claims.flatMap((claim) => (claim.rows as Array<{ id: string | null }>).map((row) => row.id).filter((id) => id !== null));
        expect(ids).toHaveLength(200);
        expect(new Set(ids).size).toBe(200);
        const leases = (await db.query(`SELECT cardinality(ids) AS n FROM "${schema}".iap_outbox_leases`)).rows as Array<{ n: number }>;
        expect(leases.map((lease) => lease.n).reduce((a, b) => a + b, 0)).toBe(200);
      });

      it('refuses to claim outside READ COMMITTED, where claims would not see each other', async () => {
        const { outbox } = await setup();
        await enqueue(outbox, [['a', 1]]);
        const sql = outboxInternals(outbox)!.sql;
        const error = await db
          .transaction(async (tx) => {
            await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
            return tx.query(sql.claimBatches, [T0, 10, 1, 'r1', 1_000, null]);
          })
          .catch((e: unknown) => e);
        expect(String((error as Error).message)).toMatch(/READ COMMITTED isolation, got repeatable read/);
        expect((await db.query(sql.claimBatches, [T0, 10, 1, 'r1', 1_000, null])).rows).toHaveLength(1);
      });

      it('takes over an expired lease without counting again the outcomes already recorded under it', async () => {
        const { outbox, schema } = await setup();
        await enqueue(outbox, [['a', 1], ['b', 1]]);
        const sql = outboxInternals(outbox)!.sql;
        const claimed = (await db.query(sql.claimBatches, [T0, 10, 1, 'r1', 1_000, null])).rows as Array<{ id: string; lease_token: string; partition_key: string }>;
        const a = claimed.find((row) => row.partition_key === 'a')!;
        // r1 records a's failure, then dies before b's outcome and before ending the lease
        expect((await db.query(sql.fail, [[a.id], [0], [false], ['broker down'], a.lease_token, T0])).rows).toEqual([{ n: 1 }]);
        const later = T0 + 5_000;
        const retaken = (await db.query(sql.claimBatches, [later, 10, 1, 'r2', 1_000, null])).rows as Array<{ partition_key: string; attempts: number; unfinished_claims: number }>;
        expect(retaken.map((row) => [row.partition_key, row.attempts, row.unfinished_claims]).sort()).toEqual([
          ['a', 2, 0],
          ['b', 2, 1],
        ]);
        const rows = (await db.query(`SELECT partition_key, attempts, unfinished_claims FROM "${schema}".iap_outbox ORDER BY partition_key`)).rows;
        expect(rows).toEqual([
          { partition_key: 'a', attempts: 1, unfinished_claims: 0 },
          { partition_key: 'b', attempts: 1, unfinished_claims: 1 },
        ]);
      });

      it('keeps published rows when asked, and purges them after keepPublishedForMs', async () => {
        const { outbox, publisher, relay, clock } = await setup({ keepPublishedForMs: 60_000 });
        await enqueue(outbox, [['k', 1], [undefined, 2]]);
        await drain(relay());
        expect(publisher.published).toHaveLength(2);
        const statuses = await db.query(`SELECT status FROM "${outbox.tables.schema}".iap_outbox`);
        expect(statuses.rows).toEqual([{ status: 'published' }, { status: 'published' }]);
        expect(await outbox.purgePublished(db)).toBe(0);
        clock.advance(60_001);
        expect(await outbox.purgePublished(db)).toBe(2);
      });

      it('reports stats: backlog, in flight, oldest age, dead letters', async () => {
        const { outbox, clock, relay, publisher } = await setup();
        await enqueue(outbox, [['a', 1], ['a', 2], ['b', 1]]);
        clock.advance(5_000);
        expect(await outbox.stats(db)).toEqual({ pending: 3, inFlight: 0, oldestPendingAgeMs: 5_000, deadLetters: 0 });
        const gate = createLatch();
        publisher.gate = gate.promise;
        const round = relay().runOnce();
        await waitFor(() => publisher.calls.length === 1, 'a publish');
        expect(await outbox.stats(db)).toMatchObject({ pending: 3, inFlight: 2 });
        gate.open();
        await round;
      });

      it('reports metrics through telemetry hooks', async () => {
        const { outbox, clock, relay } = await setup();
        const seen: string[] = [];
        const gauges = new Map<string, number>();
        const telemetry: Telemetry = {
          counter: (name) => seen.push(name),
          histogram: (name) => seen.push(name),
          gauge: (name, value) => gauges.set(name, value),
        };
        await enqueue(outbox, [['a', 1], ['a', 2]]);
        const r = relay({ telemetry, metricsIntervalMs: 1_000, maxPollIntervalMs: 60_000, minPollIntervalMs: 60_000 });
        const stats: Array<RelayEvents['stats']> = [];
        r.on('stats', (s) => stats.push(s));
        await r.runOnce();
        expect(seen).toEqual(expect.arrayContaining(['iap.outbox.relay.claimed', 'iap.outbox.relay.published', 'iap.outbox.relay.publish.duration_ms', 'iap.outbox.relay.delivery_latency_ms', 'iap.outbox.relay.attempts']));
        r.start();
        await waitFor(async () => (await outbox.stats(db)).pending === 0, 'the loop to publish the rest');
        await clock.advanceAsync(1_000);
        await waitFor(() => stats.length > 0, 'a stats report');
        expect(gauges.get('iap.outbox.backlog')).toBe(0);
        expect(gauges.has('iap.outbox.oldest_pending_age_ms')).toBe(true);
        expect(gauges.get('iap.outbox.dead_letters')).toBe(0);
      });
    });

    describe('wake-up', () => {
      it('wakes an idle relay in-process right after the enqueue commits', async () => {
        const { outbox, publisher, relay } = await setup();
        const r = relay({ minPollIntervalMs: 60_000, maxPollIntervalMs: 60_000 });
        let rounds = 0;
        r.on('batch', () => rounds++);
        r.start();
        // the manual clock never moves: only a wake-up can make the relay claim again
        await enqueue(outbox, [['k', 1]]);
        await waitFor(() => rounds === 1, 'the in-process wake-up');
        expect(publisher.published).toHaveLength(1);
      });

      it.each([
        ['sent after the commit by the adapter', false],
        ['sent inside the transaction for a foreign executor', true],
      ])('wakes on NOTIFY from an enqueue it cannot see in-process (%s)', async (_, foreign) => {
        const { publisher, relay, schema } = await setup();
        const other = target.openSecond ? await target.openSecond() : db;
        try {
          // an outbox object the relay does not know: only the NOTIFY can reach it
          const stranger = createOutbox({ schema });
          // open the LISTEN connection first, so the relay's subscription is in place at start()
          const unlisten = await db.listen!(`${schema}_iap_outbox`, () => undefined);
          const r = relay({ listen: true, minPollIntervalMs: 60_000, maxPollIntervalMs: 60_000 });
          r.start();
          await other.transaction((tx) => stranger.enqueue(foreign ? { query: (sql, params) => tx.query(sql, params) } : tx, { destination: 'orders', envelope: event('k', 1) }));
          // the manual clock never moves, so the backup poll cannot be what finds it
          await waitFor(() => publisher.published.length === 1, 'the NOTIFY wake-up');
          await unlisten();
        } finally {
          if (other !== db) await other.close();
        }
      });

      it('finds messages through the backup poll when no notification arrives', async () => {
        const { publisher, relay, schema, clock } = await setup();
        const silent = createOutbox({ schema, notify: false, clock });
        const r = relay({ minPollIntervalMs: 100, maxPollIntervalMs: 100 });
        let rounds = 0;
        r.on('batch', () => rounds++);
        r.start();
        await waitFor(() => clock.pendingTimers > 0, 'the relay to go idle');
        await db.transaction((tx) => silent.enqueue(tx, { destination: 'orders', envelope: event('k', 1) }));
        expect(publisher.published).toHaveLength(0);
        await clock.advanceAsync(100);
        await waitFor(() => rounds === 1, 'the backup poll');
        expect(publisher.published).toHaveLength(1);
      });
    });

    describe('graceful stop', () => {
      it('finishes the in-flight batch', async () => {
        const { outbox, publisher, relay } = await setup();
        await enqueue(outbox, [['k', 1]]);
        const gate = createLatch();
        publisher.gate = gate.promise;
        const r = relay();
        r.start();
        await waitFor(() => publisher.calls.length === 1, 'a publish');
        let stopped = false;
        const stopping = r.stop().then(() => {
          stopped = true;
        });
        await db.query('SELECT 1');
        expect(stopped).toBe(false);
        gate.open();
        await stopping;
        expect(publisher.published).toHaveLength(1);
        expect((await outbox.stats(db)).pending).toBe(0);
        await expect(r.runOnce()).rejects.toMatchObject({ code: ErrorCode.CLOSED });
        expect(() => r.start()).toThrow(/stopped/);
      });

      it('releases the batch when the publish outlives the stop timeout', async () => {
        const { outbox, publisher, relay, clock } = await setup();
        await enqueue(outbox, [['k', 1]]);
        publisher.gate = new Promise(() => undefined);
        const r = relay();
        r.start();
        await waitFor(() => publisher.calls.length === 1, 'a publish');
        const stopping = r.stop({ timeoutMs: 500 });
        await clock.advanceAsync(500);
        await stopping;
        expect(publisher.signals[0]!.aborted).toBe(true);
        const row = (await db.query(`SELECT attempts, unfinished_claims, status FROM "${outbox.tables.schema}".iap_outbox`)).rows[0];
        expect(row).toMatchObject({ attempts: 0, unfinished_claims: 0, status: 'pending' });
        expect((await db.query(`SELECT token FROM "${outbox.tables.schema}".iap_outbox_leases`)).rows).toEqual([]);
      });
    });

    describe('inbox', () => {
      it('applies a message once and reports the duplicate as skipped', async () => {
        const { schema } = await setup();
        const inbox = createInbox({ schema });
        await db.query(`CREATE TABLE "${schema}".effects (message_id text)`);
        const apply = (messageId: string): Promise<unknown> =>
          db.transaction((tx) =>
            inbox.handle(tx, { consumer: 'billing', messageId }, async (t) => {
              await t.query(`INSERT INTO "${schema}".effects VALUES ($1)`, [messageId]);
              return 'done';
            }),
          );
        expect(await apply('m-1')).toEqual({ status: 'processed', value: 'done' });
        expect(await apply('m-1')).toEqual({ status: 'skipped' });
        expect(await db.transaction((tx) => inbox.handle(tx, { consumer: 'shipping', messageId: 'm-1' }, () => 1))).toEqual({ status: 'processed', value: 1 });
        expect((await db.query(`SELECT count(*)::int AS n FROM "${schema}".effects`)).rows[0]).toEqual({ n: 1 });
        expect(await inbox.has(db, { consumer: 'billing', messageId: 'm-1' })).toBe(true);
        expect(await inbox.has(db, { consumer: 'billing', messageId: 'm-2' })).toBe(false);
      });

      it('forgets the record when the handler fails, so the message can be processed again', async () => {
        const { schema } = await setup();
        const inbox = createInbox({ schema });
        await expect(
          db.transaction((tx) =>
            inbox.handle(tx, { consumer: 'c', messageId: 'm' }, () => {
              throw new Error('handler failed');
            }),
          ),
        ).rejects.toThrow('handler failed');
        expect(await db.transaction((tx) => inbox.handle(tx, { consumer: 'c', messageId: 'm' }, () => 'second'))).toEqual({ status: 'processed', value: 'second' });
      });

      it('rejects bad keys with VALIDATION and purges records past the retention window', async () => {
        const { schema } = await setup();
        const clock = new ManualClock(T0);
        const inbox = createInbox({ schema, retentionMs: 1_000, clock });
        await expect(db.transaction((tx) => inbox.handle(tx, { consumer: '', messageId: 'm' }, () => 1))).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
        await db.transaction((tx) => inbox.handle(tx, { consumer: 'c', messageId: 'old' }, () => 1));
        clock.advance(600);
        await db.transaction((tx) => inbox.handle(tx, { consumer: 'c', messageId: 'new' }, () => 1));
        clock.advance(600);
        expect(await inbox.has(db, { consumer: 'c', messageId: 'old' })).toBe(false);
        expect(await inbox.purgeExpired(db)).toBe(1);
        expect(await inbox.has(db, { consumer: 'c', messageId: 'new' })).toBe(true);
      });

      it('processes concurrent duplicates exactly once', async () => {
        const { schema } = await setup();
        const inbox = createInbox({ schema });
        const other = target.openSecond ? await target.openSecond() : db;
        try {
          let runs = 0;
          const results = await Promise.all(
            [db, other, db, other].map((d) =>
              d.transaction((tx) =>
                inbox.handle(tx, { consumer: 'c', messageId: 'same' }, () => {
                  runs++;
                }),
              ),
            ),
          );
          expect(runs).toBe(1);
          expect(results.filter((r) => r.status === 'skipped')).toHaveLength(3);
        } finally {
          if (other !== db) await other.close();
        }
      });
    });
  });
}
