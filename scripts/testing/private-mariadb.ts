/**
 * A private MariaDB server for tests that need a row binlog (CDC capture) or must stop the
 * database. `mariadb-install-db` initialises a fresh data directory in a temporary directory, and
 * `mariadbd` runs on its own port on 127.0.0.1 with its own socket, never touching the shared
 * server on 3306 or its configuration files (`--no-defaults`).
 *
 * ```ts
 * const server = await startPrivateMariadb({ settings: { 'log-bin': 'binlog', 'binlog-format': 'ROW' } });
 * try {
 *   await server.sql('CREATE DATABASE shop');
 *   // server.host / server.port → root over TCP, no password
 * } finally {
 *   await server.destroy();
 * }
 * ```
 *
 * The binaries come from `IAP_MARIADB_BIN` (a directory holding `mariadbd` and `mariadb-install-db`)
 * or the PATH and `/usr/sbin`, `/usr/bin`. As root (CI here), the server runs as the `mysql` user.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** Options of {@link startPrivateMariadb}. */
export interface PrivateMariadbOptions {
  /** Port to listen on. @defaultValue a free port chosen by the OS */
  readonly port?: number;
  /** Extra `mariadbd` options without the leading `--`, e.g. `{ 'binlog-format': 'ROW', 'server-id': 1 }`. */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
  /** Longest the server may take to accept connections, at start and at stop. @defaultValue 60_000 */
  readonly readyTimeoutMs?: number;
}

/** A running private server. */
export interface PrivateMariadb {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `root` over TCP with no password. */
  readonly user: 'root';
  readonly socket: string;
  readonly dataDir: string;
  /** Runs SQL text (several statements allowed) with the `mariadb` client; resolves to its tab-separated output. */
  sql(text: string): Promise<string>;
  /** Stops the server (SIGTERM, then SIGKILL after the timeout) and removes its directory. */
  destroy(): Promise<void>;
}

function findTool(names: readonly string[]): string | undefined {
  const dirs = [process.env.IAP_MARIADB_BIN, ...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin'].filter((dir): dir is string => dir !== undefined && dir !== '');
  for (const dir of dirs) for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

/** The MariaDB binaries, or undefined when a server, its installer or its client is missing. */
export function mariadbTools(): { server: string; installDb: string; client: string } | undefined {
  const server = findTool(['mariadbd', 'mysqld']);
  const installDb = findTool(['mariadb-install-db', 'mysql_install_db']);
  const client = findTool(['mariadb', 'mysql']);
  return server === undefined || installDb === undefined || client === undefined ? undefined : { server, installDb, client };
}

function mysqlIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('mysql:'));
  if (!line) throw new Error('[iap] running as root but there is no `mysql` user to run MariaDB as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function formatOption(key: string, value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? `--${key}` : `--skip-${key}`;
  return `--${key}=${value}`;
}

/** Polls until the server answers a query, the process exits, or the deadline passes. */
async function waitReady(ping: () => Promise<unknown>, exited: () => string | undefined, deadline: number): Promise<void> {
  for (;;) {
    const failure = exited();
    if (failure !== undefined) throw new Error(`[iap] private mariadbd exited during start-up: ${failure}`);
    try {
      await ping();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error('[iap] private mariadbd did not accept connections in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Initialises a fresh data directory in a temporary directory and starts `mariadbd` on it. */
export async function startPrivateMariadb(options: PrivateMariadbOptions = {}): Promise<PrivateMariadb> {
  const tools = mariadbTools();
  if (tools === undefined) throw new Error('[iap] no MariaDB server binaries (mariadbd, mariadb-install-db, mariadb) found; set IAP_MARIADB_BIN');
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const port = options.port ?? (await freePort());
  const root = mkdtempSync(join(tmpdir(), 'iap-mariadb-'));
  const dataDir = join(root, 'data');
  const socket = join(root, 'mariadb.sock');
  const asRoot = process.getuid?.() === 0;
  const userArgs = asRoot ? ['--user=mysql'] : [];
  let server: ChildProcess | undefined;
  let exit: string | undefined;
  const destroy = async (): Promise<void> => {
    try {
      if (server !== undefined && exit === undefined) {
        const gone = new Promise<void>((resolve) => server!.once('exit', () => resolve()));
        server.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
        if ((await Promise.race([gone, late])) === 'late') {
          server.kill('SIGKILL');
          await gone;
        }
        clearTimeout(timer);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  try {
    if (asRoot) chownSync(root, mysqlIds().uid, mysqlIds().gid);
    await run(tools.installDb, ['--no-defaults', `--datadir=${dataDir}`, ...userArgs, '--auth-root-authentication-method=normal', '--skip-test-db'], { cwd: root, timeout: timeoutMs });
    const settings: Record<string, string | number | boolean> = {
      'innodb-buffer-pool-size': '64M',
      'innodb-log-file-size': '16M',
      'skip-name-resolve': true,
      ...options.settings,
    };
    const args = [
      '--no-defaults',
      `--datadir=${dataDir}`,
      ...userArgs,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${join(root, 'mariadbd.pid')}`,
      `--log-error=${join(root, 'error.log')}`,
      ...Object.entries(settings).map(([key, value]) => formatOption(key, value)),
    ];
    server = spawn(tools.server, args, { cwd: root, stdio: 'ignore' });
    server.on('exit', (code, signal) => (exit = `code ${String(code)}, signal ${String(signal)}`));
    const sql = async (text: string): Promise<string> => {
      const result = await run(tools.client, ['--no-defaults', '--protocol=TCP', '-h127.0.0.1', `-P${port}`, '-uroot', '--default-character-set=utf8mb4', '--batch', '--skip-column-names', '-e', text], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
      return result.stdout;
    };
    const errorLog = (): string => (existsSync(join(root, 'error.log')) ? readFileSync(join(root, 'error.log'), 'utf8').slice(-2000) : '');
    await waitReady(() => sql('SELECT 1'), () => (exit === undefined ? undefined : `${exit}; ${errorLog()}`), Date.now() + timeoutMs);
    return { host: '127.0.0.1', port, user: 'root', socket, dataDir, sql, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}
