/**
 * Re-records the captured CDC fixtures of @iap/cdc (packages/cdc/test/fixtures/captured/):
 * `pnpm exec tsx scripts/testing/cdc-capture/record-fixtures.ts [postgres|mariadb]` (both without
 * an argument; needs java 17, mvn, and the PostgreSQL server binaries with the wal2json plugin or
 * the MariaDB server binaries). Prints the time taken and the record count per stream.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPrivateMariadb } from '../private-mariadb.js';
import { startPrivatePostgres } from '../private-postgres.js';
import { CAPTURE_POSTGRES_SETTINGS, DEBEZIUM_SETTINGS, buildCaptureJar, runCapture } from './capture.js';
import { MARIADB_CAPTURE_SETTINGS, MARIADB_SETTINGS, runMariadbCapture } from './mariadb-capture.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages', 'cdc', 'test', 'fixtures', 'captured');
const which = process.argv[2];
if (which !== undefined && which !== 'postgres' && which !== 'mariadb') throw new Error('usage: record-fixtures.ts [postgres|mariadb]');
const jar = await buildCaptureJar();

if (which !== 'mariadb') {
  const cluster = await startPrivatePostgres({ settings: CAPTURE_POSTGRES_SETTINGS });
  try {
    const started = Date.now();
    const result = await runCapture({ url: cluster.url, outDir, settings: DEBEZIUM_SETTINGS, jar });
    rmSync(join(outDir, 'capture.properties'), { force: true });
    console.log(JSON.stringify({ postgres: { ms: Date.now() - started, counts: result.counts } }, null, 2));
  } finally {
    await cluster.destroy();
  }
}

if (which !== 'postgres') {
  const server = await startPrivateMariadb({ settings: MARIADB_CAPTURE_SETTINGS });
  try {
    const started = Date.now();
    const result = await runMariadbCapture({ server, outDir, settings: MARIADB_SETTINGS, jar });
    console.log(JSON.stringify({ mariadb: { ms: Date.now() - started, counts: result.counts } }, null, 2));
  } finally {
    await server.destroy();
  }
}
rmSync(join(outDir, 'capture.log'), { force: true });
