/**
 * Re-records the captured CDC fixtures of @iap/cdc (packages/cdc/test/fixtures/captured/):
 * `pnpm exec tsx scripts/testing/cdc-capture/record-fixtures.ts` (needs java 17, mvn, the
 * PostgreSQL server binaries and the wal2json plugin). Prints the record count per stream.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPrivatePostgres } from '../private-postgres.js';
import { CAPTURE_POSTGRES_SETTINGS, DEBEZIUM_SETTINGS, buildCaptureJar, runCapture } from './capture.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages', 'cdc', 'test', 'fixtures', 'captured');
const jar = await buildCaptureJar();
const cluster = await startPrivatePostgres({ settings: CAPTURE_POSTGRES_SETTINGS });
try {
  const started = Date.now();
  const result = await runCapture({ url: cluster.url, outDir, settings: DEBEZIUM_SETTINGS, jar });
  rmSync(join(outDir, 'capture.properties'), { force: true });
  console.log(JSON.stringify({ ms: Date.now() - started, counts: result.counts }, null, 2));
} finally {
  await cluster.destroy();
}
