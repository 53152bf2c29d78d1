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
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
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

/** Builds the harness with `mvn -q -B package` unless the cached jar for these sources exists. */
export async function buildCaptureJar(): Promise<string> {
  const jar = captureJarPath();
  if (existsSync(jar)) return jar;
  await run('mvn', ['-q', '-B', 'package', '-f', join(HERE, 'pom.xml')], { timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  mkdirSync(dirname(jar), { recursive: true });
  copyFileSync(join(HERE, 'target', 'cdc-capture.jar'), jar);
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

/** What a capture produced. */
export interface CaptureResult {
  /** Setting name → JSONL file. */
  readonly files: Readonly<Record<string, string>>;
  /** Setting name → records written. */
  readonly counts: Readonly<Record<string, number>>;
}

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
  for (const setting of options.settings) {
    const prefix = `engine.${setting.name}.`;
    lines.push(
      `${prefix}topic.prefix=${setting.name}`,
      `${prefix}slot.name=${setting.name.replace(/-/g, '_')}`,
      `${prefix}decimal.handling.mode=${setting.decimalHandlingMode}`,
      `${prefix}binary.handling.mode=${setting.binaryHandlingMode}`,
      `${prefix}converter.schemas.enable=${setting.schemasEnable}`,
      `${prefix}key.converter.schemas.enable=${setting.schemasEnable}`,
      `${prefix}value.converter.schemas.enable=${setting.schemasEnable}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function lineCount(file: string, pattern: RegExp): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter((line) => pattern.test(line)).length;
}

async function waitFor(condition: () => boolean, deadline: number, what: string, exited: () => string | undefined): Promise<void> {
  while (!condition()) {
    const failure = exited();
    if (failure !== undefined) throw new Error(`[iap] capture harness exited while waiting for ${what}: ${failure}`);
    if (Date.now() > deadline) throw new Error(`[iap] capture timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs the workload under every setting at once and through wal2json; returns the files written. */
export async function runCapture(options: CaptureOptions): Promise<CaptureResult> {
  const deadline = Date.now() + (options.deadlineMs ?? 120_000);
  mkdirSync(options.outDir, { recursive: true });
  for (const setting of options.settings) rmSync(join(options.outDir, `${setting.name}.jsonl`), { force: true });
  const client = new (loadPg().Client)({ connectionString: options.url });
  await client.connect();
  try {
    for (const statement of setupStatements()) await client.query(statement);
    await client.query("SELECT pg_create_logical_replication_slot('iap_wal2json', 'wal2json')");
    const propsFile = join(options.outDir, 'capture.properties');
    writeFileSync(propsFile, engineProperties(options));
    const java = spawn('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', options.jar, propsFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    java.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    java.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exit: number | null | undefined;
    const exited = new Promise<void>((resolve) => java.on('exit', (code) => ((exit = code), resolve())));
    const exitedReason = (): string | undefined => (exit === undefined ? undefined : `code ${exit}; ${output.slice(-2000)}`);
    try {
      const snapshotRows = Object.values(SNAPSHOT_COUNTS).reduce((a, b) => a + b, 0);
      for (const setting of options.settings) {
        const file = join(options.outDir, `${setting.name}.jsonl`);
        await waitFor(() => lineCount(file, /\\"op\\":\\"r\\"/) >= snapshotRows, deadline, `the snapshot of ${setting.name}`, exitedReason);
      }
      for (const transaction of streamTransactions()) {
        if (transaction.length === 1) await client.query(transaction[0]!);
        else {
          await client.query('BEGIN');
          for (const statement of transaction) await client.query(statement);
          await client.query('COMMIT');
        }
      }
      await Promise.race([exited, waitFor(() => false, deadline, 'the stop message', exitedReason).catch(() => undefined)]);
      writeFileSync(join(options.outDir, 'capture.log'), output);
      if (exit !== 0) throw new Error(`[iap] capture harness failed (${String(exit)}): ${output.slice(-4000)}`);
    } finally {
      if (exit === undefined) java.kill('SIGKILL');
    }
    await captureWal2json(client, options.outDir);
  } finally {
    await client.end();
  }
  const files: Record<string, string> = {};
  const counts: Record<string, number> = {};
  for (const name of [...options.settings.map((setting) => setting.name), 'wal2json-v1', 'wal2json-v2']) {
    files[name] = join(options.outDir, `${name}.jsonl`);
    counts[name] = lineCount(files[name], /./);
  }
  return { files, counts };
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
