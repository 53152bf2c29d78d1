import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { createEnvelope, encodeEnvelope, decodeEnvelope } from '../../src/index.js';

const service = await requirePostgres();

describe.skipIf(!service.available)('PostgreSQL smoke (real server)', () => {
  const client = new pg.Client({ connectionString: service.url });
  beforeAll(async () => {
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  it('answers a query through pg', async () => {
    const result = await client.query<{ answer: number; version: string }>('SELECT 41 + 1 AS answer, version() AS version');
    expect(result.rows[0]?.answer).toBe(42);
    expect(result.rows[0]?.version).toMatch(/^PostgreSQL \d+/);
  });

  it('stores and reads back an encoded envelope byte for byte', async () => {
    const envelope = createEnvelope({ type: 'smoke.tested', source: '/core', data: { n: 1, text: 'Grüße' } });
    const bytes = encodeEnvelope(envelope);
    const result = await client.query<{ b: Buffer }>('SELECT $1::bytea AS b', [Buffer.from(bytes)]);
    expect(decodeEnvelope(new Uint8Array(result.rows[0]!.b))).toEqual(envelope);
  });
});
