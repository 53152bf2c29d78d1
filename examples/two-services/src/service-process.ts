/**
 * One service as a child Node process (`node --import tsx <entry>`, in the service's own folder so
 * it resolves its own pinned @iap packages): its output is printed with a `[name]` prefix, and the
 * events it reports over the IPC channel are collected for the runner to wait on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from './wait-for.js';

/** What a service reports: `{ kind: 'ready' }`, `{ kind: 'invoiced', orderId, messageId }`, ... */
export interface ServiceReport {
  readonly kind: string;
  readonly [field: string]: string;
}

export interface ServiceProcess {
  readonly name: string;
  readonly reports: readonly ServiceReport[];
  /** Exit code once the process ended (a signal name when killed by one); undefined while it runs. */
  readonly exit: number | string | undefined;
  /** Waits (with a deadline) for a report of `kind`; fails at once if the process exits first. */
  waitForReport(kind: string, timeoutMs: number): Promise<ServiceReport>;
  /** Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`); resolves to the exit code or signal. */
  stop(timeoutMs: number): Promise<number | string>;
}

const isReport = (message: unknown): message is ServiceReport => typeof message === 'object' && message !== null && typeof (message as { kind?: unknown }).kind === 'string';

export function startService(name: string, entry: string, env: Readonly<Record<string, string>>): ServiceProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: join(dirname(entry), '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const label = `[${name}]`.padEnd(10);
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(`${label} ${line}`));
  }
  const reports: ServiceReport[] = [];
  child.on('message', (message) => {
    if (isReport(message)) reports.push(message);
  });
  let exit: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = code ?? signal ?? 'unknown';
      resolve(exit);
    });
  });
  const ensureRunning = () => {
    if (exit !== undefined) throw new Error(`${name} exited early (${exit}); see its output above`);
  };
  return {
    name,
    reports,
    get exit() {
      return exit;
    },
    async waitForReport(kind, timeoutMs) {
      let found: ServiceReport | undefined;
      await waitFor(`${name} to report "${kind}"`, () => {
        ensureRunning();
        found = reports.find((r) => r.kind === kind);
        return found !== undefined;
      }, timeoutMs);
      return found as ServiceReport;
    },
    async stop(timeoutMs) {
      if (exit !== undefined) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
