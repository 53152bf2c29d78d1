import { describe } from 'vitest';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { createPostgresDatabase } from '../../src/postgres.js';
import { idempotencyStoreContract } from '../contract/idempotency-store-contract.js';

const pg = await requirePostgres();

describe.skipIf(!pg.available)('PostgreSQL', () => {
  idempotencyStoreContract({ name: 'PostgreSQL (pg)', open: () => Promise.resolve(createPostgresDatabase({ connectionString: pg.url, maxConnections: 8 })) });
});
