/**
 * A private PostgreSQL cluster for tests that must restart, stop or reconfigure the database (fault
 * tests, logical decoding). It is `initdb`-ed into a fresh temporary directory, listens on its own
 * port on 127.0.0.1, and never touches the shared server at DATABASE_URL.
 *
 * ```ts
 * const cluster = await startPrivatePostgres({ settings: { wal_level: 'logical' } });
 * try {
 *   // cluster.url → postgres://postgres@127.0.0.1:<port>/postgres
 *   await cluster.restart();
 * } finally {
 *   await cluster.destroy();
 * }
 * ```
 *
 * The binaries come from `IAP_PG_BIN` or the newest `/usr/lib/postgresql/<major>/bin`. When the test
 * process runs as root (CI here), the server runs as the `postgres` user, since PostgreSQL refuses
 * to run as root.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** Options of {@link startPrivatePostgres}. */
export interface PrivatePostgresOptions {
  /** Port to listen on. @defaultValue a free port chosen by the OS */
  readonly port?: number;
  /** Extra `postgresql.conf` settings, e.g. `{ wal_level: 'logical', max_wal_senders: 4 }`. */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
}

/** A running private cluster. */
export interface PrivatePostgres {
  /** Connection string for the `postgres` database, user `postgres`, trust authentication. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops the server (fast shutdown: open connections are terminated), keeping its data. */
  stop(): Promise<void>;
  /** Starts a stopped server on the same port and data. */
  start(): Promise<void>;
  /** Stop then start: every connection is dropped, the data is kept. */
  restart(): Promise<void>;
  /** Stops the server if it runs and removes its data directory. */
  destroy(): Promise<void>;
}

/** The directory of the PostgreSQL server binaries, or undefined when none is installed. */
export function postgresBinDir(): string | undefined {
  if (process.env.IAP_PG_BIN) return process.env.IAP_PG_BIN;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(base, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? undefined : join(base, majors[0], 'bin');
}

function formatSetting(value: string | number | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `'${value.replace(/'/g, "''")}'`;
}

/** initdb's a fresh cluster in a temporary directory and starts it. */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('[iap] no PostgreSQL server binaries (initdb) found; set IAP_PG_BIN');
  const port = options.port ?? (await freePort());
  const root = mkdtempSync(join(tmpdir(), 'iap-pg-'));
  const dataDir = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(root, postgresUid(), postgresGid());
  const pgRun = async (tool: string, args: string[]): Promise<void> => {
    const file = join(bin, tool);
    if (asRoot) await run('runuser', ['-u', 'postgres', '--', file, ...args], { cwd: root });
    else await run(file, args, { cwd: root });
  };
  await pgRun('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const settings: Record<string, string | number | boolean> = {
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: root,
    fsync: false,
    synchronous_commit: false,
    full_page_writes: false,
    max_connections: 200,
    ...options.settings,
  };
  const conf = Object.entries(settings)
    .map(([key, value]) => `${key} = ${formatSetting(value)}`)
    .join('\n');
  writeFileSync(join(dataDir, 'postgresql.auto.conf'), `${conf}\n`);
  if (asRoot) chownSync(join(dataDir, 'postgresql.auto.conf'), postgresUid(), postgresGid());
  const logFile = join(root, 'server.log');
  let running = false;
  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async start() {
      await pgRun('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
      running = true;
    },
    async stop() {
      if (!running) return;
      await pgRun('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
      running = false;
    },
    async restart() {
      await cluster.stop();
      await cluster.start();
    },
    async destroy() {
      try {
        await cluster.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
  await cluster.start();
  return cluster;
}

let ids: { uid: number; gid: number } | undefined;
function postgresIds(): { uid: number; gid: number } {
  if (ids) return ids;
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('[iap] running as root but there is no `postgres` user to run PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  ids = { uid: Number(uid), gid: Number(gid) };
  return ids;
}
function postgresUid(): number {
  return postgresIds().uid;
}
function postgresGid(): number {
  return postgresIds().gid;
}
