import { messagingContract } from '../contract/messaging-contract.js';
import { createPostgresDatabase } from '../../src/postgres.js';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { describe } from 'vitest';

const pg = await requirePostgres();

describe.skipIf(!pg.available)('PostgreSQL', () => {
  messagingContract({
    name: 'PostgreSQL (pg)',
    open: () => Promise.resolve(createPostgresDatabase({ connectionString: pg.url, maxConnections: 8 })),
    openSecond: () => Promise.resolve(createPostgresDatabase({ connectionString: pg.url, maxConnections: 4 })),
  });
});
