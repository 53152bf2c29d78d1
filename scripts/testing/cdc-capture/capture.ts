/**
 * Drives a real capture for @iap/cdc: builds the Debezium embedded-engine harness (Maven, cached
 * jar), runs it with several connector / converter settings at once (one replication slot each)
 * against a private `wal_level=logical` cluster while the workload of `workload.ts` runs, and
 * reads the same changes through wal2json formats 1 and 2.
 *
 * ```ts
 * const cluster = await startPrivatePostgres({ settings: CAPTURE_POSTGRES_SETTINGS });
 * const result = await runCapture({ url: cluster.url, outDir, settings: DEBEZIUM_SETTINGS });
 * ```
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { captureResult, modeProperties, prepareOutDir, startHarness, waitForSnapshots, type CaptureResult } from './harness-process.js';
import { SNAPSHOT_COUNTS, STOP_PREFIX, setupStatements, streamTransactions } from './workload.js';

const run = promisify(execFile);

/** The part of a `pg` client the capture uses (pg is loaded untyped: its types live per package). */
interface SqlClient {
  connect(): Promise<void>;
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}
/** Loads `pg` only when a capture runs, so importing the settings needs no driver. */
function loadPg(): { Client: new (config: { connectionString: string }) => SqlClient } {
  return createRequire(import.meta.url)('pg') as { Client: new (config: { connectionString: string }) => SqlClient };
}
const HERE = dirname(fileURLToPath(import.meta.url));

/** Server settings the capture needs. */
export const CAPTURE_POSTGRES_SETTINGS = { wal_level: 'logical', max_wal_senders: 12, max_replication_slots: 12, TimeZone: 'UTC', output_plugin_libraries: 'pgoutput,wal2json' } as const;

/** One Debezium setting: connector modes and the JsonConverter's `schemas.enable`. */
export interface DebeziumSetting {
  readonly name: string;
  readonly decimalHandlingMode: 'precise' | 'string' | 'double';
  readonly binaryHandlingMode: 'base64' | 'hex';
  readonly schemasEnable: boolean;
}

/** The settings the fixtures and the live test capture: 3 connector settings × schema on/off. */
export const DEBEZIUM_SETTINGS: readonly DebeziumSetting[] = (
  [
    ['precise', 'base64'],
    ['string', 'hex'],
    ['double', 'base64'],
  ] as const
).flatMap(([decimal, binary]) =>
  [true, false].map((schemas) => ({
    name: `debezium-pg-${decimal}-${binary}-${schemas ? 'schema' : 'schemaless'}`,
    decimalHandlingMode: decimal,
    binaryHandlingMode: binary,
    schemasEnable: schemas,
  })),
);

/** wal2json options used for each format. */
export const WAL2JSON_OPTIONS: Readonly<Record<'1' | '2', readonly string[]>> = {
  '1': ['format-version', '1', 'include-xids', '1', 'include-timestamp', '1', 'include-lsn', '1'],
  '2': ['format-version', '2', 'include-xids', '1', 'include-timestamp', '1', 'include-lsn', '1', 'include-pk', '1'],
};

/** Where the harness jar is cached: `${IAP_CACHE_DIR:-~/.cache/iap}/cdc-capture/<source hash>.jar`. */
export function captureJarPath(): string {
  const hash = createHash('sha256');
  for (const file of ['pom.xml', 'src/main/java/dev/iap/cdccapture/CdcCapture.java']) hash.update(readFileSync(join(HERE, file)));
  const cache = process.env.IAP_CACHE_DIR ?? join(homedir(), '.cache', 'iap');
  return join(cache, 'cdc-capture', `${hash.digest('hex').slice(0, 16)}.jar`);
}

/** True when `java` and `mvn` run; the reason otherwise. */
export async function javaToolsMissing(): Promise<string | undefined> {
  for (const [tool, args] of [['java', ['-version']], ['mvn', ['-v']]] as const) {
    try {
      await run(tool, [...args], { timeout: 30_000 });
    } catch {
      return `\`${tool}\` is not installed or does not run`;
    }
  }
  return undefined;
}

/** A build lock older than this is taken for the leftover of a killed build. */
const STALE_BUILD_LOCK_MS = 15 * 60_000;

/** Takes the build lock (a directory beside the jar); resolves to false when the jar appeared meanwhile. */
async function takeBuildLock(lock: string, jar: string): Promise<boolean> {
  const deadline = Date.now() + STALE_BUILD_LOCK_MS + 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return true;
    } catch {
      if (existsSync(jar)) return false;
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > STALE_BUILD_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`[iap] timed out waiting for another build of the capture harness (${lock})`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Builds the harness with `mvn -q -B package` unless the cached jar for these sources exists. Test
 * files that run at once share one build: the first takes a lock, the others wait for the jar.
 */
export async function buildCaptureJar(): Promise<string> {
  const jar = captureJarPath();
  if (existsSync(jar)) return jar;
  mkdirSync(dirname(jar), { recursive: true });
  const lock = `${jar}.lock`;
  if (!(await takeBuildLock(lock, jar))) return jar;
  try {
    if (existsSync(jar)) return jar;
    await run('mvn', ['-q', '-B', 'package', '-f', join(HERE, 'pom.xml')], { timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    copyFileSync(join(HERE, 'target', 'cdc-capture.jar'), `${jar}.partial`);
    renameSync(`${jar}.partial`, jar);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return jar;
}

/** Options of {@link runCapture}. */
export interface CaptureOptions {
  /** Connection string of a private cluster started with {@link CAPTURE_POSTGRES_SETTINGS}. */
  readonly url: string;
  /** Directory the streams are written to (`<setting>.jsonl`, `wal2json-v1.jsonl`, `wal2json-v2.jsonl`). */
  readonly outDir: string;
  readonly settings: readonly DebeziumSetting[];
  /** Harness jar (from {@link buildCaptureJar}). */
  readonly jar: string;
  /** Longest the whole capture may take. @defaultValue 120_000 */
  readonly deadlineMs?: number;
}

export type { CaptureResult } from './harness-process.js';

function engineProperties(options: CaptureOptions): string {
  const url = new URL(options.url);
  const lines = [
    `capture.out.dir=${options.outDir}`,
    `capture.engines=${options.settings.map((setting) => setting.name).join(',')}`,
    `capture.stop.prefix=${STOP_PREFIX}`,
    'capture.idle.ms=20000',
    `capture.deadline.ms=${options.deadlineMs ?? 120_000}`,
    'common.connector.class=io.debezium.connector.postgresql.PostgresConnector',
    'common.offset.storage=org.apache.kafka.connect.storage.MemoryOffsetBackingStore',
    'common.offset.flush.interval.ms=0',
    `common.database.hostname=${url.hostname}`,
    `common.database.port=${url.port}`,
    'common.database.user=postgres',
    'common.database.password=postgres',
    'common.database.dbname=postgres',
    'common.plugin.name=pgoutput',
    'common.publication.name=iap_capture',
    'common.publication.autocreate.mode=disabled',
    'common.snapshot.mode=initial',
    'common.slot.drop.on.stop=true',
    'common.provide.transaction.metadata=true',
    'common.skipped.operations=none',
    'common.tombstones.on.delete=true',
  ];
  for (const setting of options.settings) lines.push(`engine.${setting.name}.slot.name=${setting.name.replace(/-/g, '_')}`, ...modeProperties(setting));
  return `${lines.join('\n')}\n`;
}

/** Runs the workload under every setting at once and through wal2json; returns the files written. */
export async function runCapture(options: CaptureOptions): Promise<CaptureResult> {
  const deadline = Date.now() + (options.deadlineMs ?? 120_000);
  const names = options.settings.map((setting) => setting.name);
  prepareOutDir(options.outDir, names);
  const client = new (loadPg().Client)({ connectionString: options.url });
  await client.connect();
  try {
    for (const statement of setupStatements()) await client.query(statement);
    await client.query("SELECT pg_create_logical_replication_slot('iap_wal2json', 'wal2json')");
    const propsFile = join(options.outDir, 'capture.properties');
    writeFileSync(propsFile, engineProperties(options));
    const harness = startHarness(options.jar, propsFile, options.outDir);
    try {
      await waitForSnapshots(options.outDir, names, Object.values(SNAPSHOT_COUNTS).reduce((a, b) => a + b, 0), deadline, harness);
      for (const transaction of streamTransactions()) {
        if (transaction.length === 1) await client.query(transaction[0]!);
        else {
          await client.query('BEGIN');
          for (const statement of transaction) await client.query(statement);
          await client.query('COMMIT');
        }
      }
      await harness.finish(deadline);
    } finally {
      harness.kill();
    }
    await captureWal2json(client, options.outDir);
  } finally {
    await client.end();
  }
  return captureResult(options.outDir, [...names, 'wal2json-v1', 'wal2json-v2']);
}

async function captureWal2json(client: SqlClient, outDir: string): Promise<void> {
  for (const version of ['1', '2'] as const) {
    const fn = version === '1' ? 'pg_logical_slot_peek_changes' : 'pg_logical_slot_get_changes';
    const options = WAL2JSON_OPTIONS[version];
    const placeholders = options.map((_, i) => `$${i + 1}`).join(', ');
    const result = await client.query<{ lsn: string; xid: string; data: string }>(`SELECT lsn::text, xid::text, data FROM ${fn}('iap_wal2json', NULL, NULL, ${placeholders})`, [...options]);
    const lines = result.rows.map((row) => JSON.stringify({ lsn: row.lsn, xid: row.xid, value: row.data }));
    writeFileSync(join(outDir, `wal2json-v${version}.jsonl`), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  }
  await client.query("SELECT pg_drop_replication_slot('iap_wal2json')");
}
