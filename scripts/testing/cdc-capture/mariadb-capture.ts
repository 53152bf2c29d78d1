/**
 * Drives a real MariaDB capture for @iap/cdc: runs the Debezium embedded-engine harness (the jar of
 * `capture.ts`) with Debezium's MySQL connector under several settings at once (one binlog client
 * each) against a private `mariadbd` with a row binlog, while the workload of `mariadb-workload.ts`
 * runs. (`debezium-connector-mariadb` is not served by the registry this project reaches; the MySQL
 * connector speaks the same binlog protocol.)
 *
 * ```ts
 * const server = await startPrivateMariadb({ settings: MARIADB_CAPTURE_SETTINGS });
 * const result = await runMariadbCapture({ server, outDir, settings: MARIADB_SETTINGS, jar });
 * ```
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PrivateMariadb } from '../private-mariadb.js';
import { captureResult, modeProperties, prepareOutDir, startHarness, waitForSnapshots, type CaptureResult } from './harness-process.js';
import {
  MARIADB_DATABASE,
  MARIADB_SNAPSHOT_COUNTS,
  MARIADB_STOP_TABLE,
  mariadbSetupStatements,
  mariadbStreamScript,
} from './mariadb-workload.js';

/**
 * `mariadbd` options the capture needs: a full-row binlog, UTC, utf8mb4, and `version` set to the
 * `5.5.5-` form MariaDB itself announces to MySQL clients in its handshake. The MySQL connector
 * reads `VERSION()`, takes MariaDB's `10.11.x` for MySQL 8.4 or later and asks for `SHOW BINARY LOG
 * STATUS`, which MariaDB does not have (it has `SHOW MASTER STATUS`); with a 5.7.20+ version the
 * JDBC driver asks for `@@transaction_isolation`, which MariaDB 10.11 does not have either.
 */
export const MARIADB_CAPTURE_SETTINGS = {
  version: '5.5.5-MariaDB',
  'log-bin': 'binlog',
  'binlog-format': 'ROW',
  'binlog-row-image': 'FULL',
  'server-id': 1,
  'default-time-zone': '+00:00',
  'character-set-server': 'utf8mb4',
  'collation-server': 'utf8mb4_unicode_ci',
} as const;

/** One MariaDB capture setting: connector modes and the JsonConverter's `schemas.enable`. */
export interface MariadbSetting {
  readonly name: string;
  readonly decimalHandlingMode: 'precise' | 'string';
  readonly binaryHandlingMode: 'bytes' | 'hex';
  readonly schemasEnable: boolean;
}

/** The settings the fixtures and the live test capture: 2 connector settings × schema on/off. */
export const MARIADB_SETTINGS: readonly MariadbSetting[] = (
  [
    ['precise', 'bytes'],
    ['string', 'hex'],
  ] as const
).flatMap(([decimal, binary]) =>
  [true, false].map((schemas) => ({
    name: `debezium-mariadb-${decimal}-${binary}-${schemas ? 'schema' : 'schemaless'}`,
    decimalHandlingMode: decimal,
    binaryHandlingMode: binary,
    schemasEnable: schemas,
  })),
);

/** Options of {@link runMariadbCapture}. */
export interface MariadbCaptureOptions {
  /** A private server started with {@link MARIADB_CAPTURE_SETTINGS}. */
  readonly server: PrivateMariadb;
  /** Directory the streams are written to (`<setting>.jsonl`). */
  readonly outDir: string;
  readonly settings: readonly MariadbSetting[];
  /** Harness jar (from `buildCaptureJar`). */
  readonly jar: string;
  /** Longest the whole capture may take. @defaultValue 120_000 */
  readonly deadlineMs?: number;
}

function engineProperties(options: MariadbCaptureOptions): string {
  const lines = [
    `capture.out.dir=${options.outDir}`,
    `capture.engines=${options.settings.map((setting) => setting.name).join(',')}`,
    `capture.stop.table=${MARIADB_STOP_TABLE}`,
    'capture.idle.ms=20000',
    `capture.deadline.ms=${options.deadlineMs ?? 120_000}`,
    'common.connector.class=io.debezium.connector.mysql.MySqlConnector',
    'common.offset.storage=org.apache.kafka.connect.storage.MemoryOffsetBackingStore',
    'common.offset.flush.interval.ms=0',
    'common.schema.history.internal=io.debezium.relational.history.MemorySchemaHistory',
    `common.database.hostname=${options.server.host}`,
    `common.database.port=${options.server.port}`,
    `common.database.user=${options.server.user}`,
    'common.database.password=',
    `common.database.include.list=${MARIADB_DATABASE}`,
    'common.include.schema.changes=true',
    'common.snapshot.mode=initial',
    'common.snapshot.locking.mode=none',
    'common.provide.transaction.metadata=true',
    'common.skipped.operations=none',
    'common.tombstones.on.delete=true',
    'common.bigint.unsigned.handling.mode=precise',
  ];
  // each engine is its own binlog client: a server id of its own
  options.settings.forEach((setting, index) =>
    lines.push(`engine.${setting.name}.database.server.id=${5401 + index}`, ...modeProperties(setting)),
  );
  return `${lines.join('\n')}\n`;
}

/** Runs the MariaDB workload under every setting at once; returns the files written. */
export async function runMariadbCapture(options: MariadbCaptureOptions): Promise<CaptureResult> {
  const deadline = Date.now() + (options.deadlineMs ?? 120_000);
  const names = options.settings.map((setting) => setting.name);
  prepareOutDir(options.outDir, names);
  await options.server.sql(mariadbSetupStatements().join(';\n'));
  const propsFile = join(options.outDir, 'capture.properties');
  writeFileSync(propsFile, engineProperties(options));
  const harness = startHarness(options.jar, propsFile, options.outDir);
  try {
    await waitForSnapshots(
      options.outDir,
      names,
      Object.values(MARIADB_SNAPSHOT_COUNTS).reduce((a, b) => a + b, 0),
      deadline,
      harness,
    );
    await options.server.sql(mariadbStreamScript());
    await harness.finish(deadline);
  } finally {
    harness.kill();
  }
  rmSync(propsFile, { force: true });
  return captureResult(options.outDir, names);
}
