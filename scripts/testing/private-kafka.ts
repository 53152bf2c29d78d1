/**
 * A private, single-node Apache Kafka broker (KRaft) for fault tests that stop, kill or restart the
 * broker. It runs on its own free ports with its own data directory in a fresh temporary folder and
 * never touches the shared broker of `scripts/kafka.sh` (127.0.0.1:9092).
 *
 * ```ts
 * const kafka = await startPrivateKafka();
 * try {
 *   // kafka.brokers → ['127.0.0.1:<port>']
 *   await kafka.restart(); // same data, same ports
 * } finally {
 *   await kafka.destroy();
 * }
 * ```
 *
 * Behind a fault proxy the broker must advertise the proxy's address, since clients connect to
 * whatever the metadata advertises:
 *
 * ```ts
 * const port = await freePort(); // from ./free-port.js
 * const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port } });
 * const kafka = await startPrivateKafka({ port, advertisedPort: proxy.port });
 * // kafka.brokers → [proxy.address]; readiness is probed on `port` directly, never through the proxy
 * ```
 *
 * Jars are the ones `scripts/kafka.sh` resolves with Maven into
 * `${IAP_CACHE_DIR:-$HOME/.cache/iap}/kafka-<version>/libs` (resolved on first use by running
 * `scripts/kafka.sh jars`). Broker output goes to `<root>/kafka.log`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from './free-port.js';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { kafkaAnswersMetadata } from './kafka-metadata-probe.js';

const run = promisify(execFile);
const scriptsDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Options of {@link startPrivateKafka}. */
export interface PrivateKafkaOptions {
  /** Port of the client listener (PLAINTEXT) on 127.0.0.1. @defaultValue a free port chosen by the OS */
  readonly port?: number;
  /** Port of the controller listener on 127.0.0.1. @defaultValue a free port chosen by the OS */
  readonly controllerPort?: number;
  /**
   * Port advertised to clients in metadata, when it differs from `port` (a fault proxy listening
   * there forwards to `port`). `brokers` then names this port.
   * @defaultValue `port`
   */
  readonly advertisedPort?: number;
  /** Extra `server.properties` entries, e.g. `{ 'num.partitions': 4 }`. */
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  /** How long `start()` waits for the broker to answer metadata. @defaultValue 120000 */
  readonly startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL. @defaultValue 30000 */
  readonly stopTimeoutMs?: number;
}

/** A private broker; every method may be called in any state. */
export interface PrivateKafka {
  /** Bootstrap brokers for clients: `127.0.0.1:<advertisedPort>`. */
  readonly brokers: string[];
  /** The port the broker listens on (what a fault proxy forwards to). */
  readonly port: number;
  readonly controllerPort: number;
  /** The port the broker advertises (equals `port` without a proxy). */
  readonly advertisedPort: number;
  /** The temporary folder: `data/` (log dirs), `server.properties`, `kafka.log`. */
  readonly root: string;
  /** The broker's process id while it runs. */
  pid(): number | undefined;
  /** SIGTERM (controlled shutdown) and wait for the process to exit; the data is kept. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the process to exit; the data is kept (recovered on the next start). */
  kill(): Promise<void>;
  /** Starts the broker again on the same data and ports, without formatting; resolves when it answers metadata. */
  start(): Promise<void>;
  /** `stop()` then `start()`. */
  restart(): Promise<void>;
  /** Kills the broker if it runs and removes its folder. */
  destroy(): Promise<void>;
}

/** The Kafka version pinned in scripts/kafka/pom.xml. */
export function kafkaVersion(): string {
  const pom = readFileSync(join(scriptsDir, 'kafka', 'pom.xml'), 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (version === undefined) throw new Error('[iap] scripts/kafka/pom.xml has no <kafka.version>');
  return version;
}

/** The directory of the broker's jars, resolved with Maven through `scripts/kafka.sh jars` when missing. */
export async function kafkaLibs(): Promise<string> {
  const cache = process.env.IAP_CACHE_DIR || join(homedir(), '.cache', 'iap');
  const libs = join(cache, `kafka-${kafkaVersion()}`, 'libs');
  if (!existsSync(join(libs, '.complete'))) await run('bash', [join(scriptsDir, 'kafka.sh'), 'jars']);
  return libs;
}

/** A KRaft cluster id: 16 random bytes, base64url without padding, never starting with '-' (as Kafka's Uuid.randomUuid). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function sharedPorts(): number[] {
  return [Number(process.env.IAP_KAFKA_PORT || 9092), Number(process.env.IAP_KAFKA_CONTROLLER_PORT || 9093)];
}

function serverProperties(o: { port: number; controllerPort: number; advertisedPort: number; dataDir: string }, extra: PrivateKafkaOptions['properties']): string {
  const properties: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${o.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${o.advertisedPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': o.dataDir,
    'num.partitions': 1,
    'auto.create.topics.enable': true,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'log.flush.interval.messages': 100000,
    // After a SIGKILL the new incarnation is registered only once the old one's session has timed
    // out (default 9 s); a shorter session makes a kill + start take ~5 s instead of ~14 s.
    'broker.heartbeat.interval.ms': 1000,
    'broker.session.timeout.ms': 4000,
    ...extra,
  };
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n')}\n`;
}

/** Brokers still running when the test process exits are killed, so none outlives its test. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Formats a fresh broker in a temporary folder and starts it; resolves when it answers metadata.
 * @example
 * const kafka = await startPrivateKafka({ properties: { 'num.partitions': 3 } });
 * @throws Error when a port is one of the shared broker's, Java or the jars are missing, or the broker does not become ready in time.
 */
export async function startPrivateKafka(options: PrivateKafkaOptions = {}): Promise<PrivateKafka> {
  const port = options.port ?? (await freePort());
  const controllerPort = options.controllerPort ?? (await freePort());
  const advertisedPort = options.advertisedPort ?? port;
  for (const p of [port, controllerPort]) {
    if (sharedPorts().includes(p)) throw new Error(`[iap] private Kafka must not use the shared broker's port ${p}`);
  }
  const libs = await kafkaLibs();
  const root = mkdtempSync(join(tmpdir(), 'iap-kafka-'));
  const dataDir = join(root, 'data');
  const propertiesFile = join(root, 'server.properties');
  const logFile = join(root, 'kafka.log');
  mkdirSync(dataDir);
  writeFileSync(propertiesFile, serverProperties({ port, controllerPort, advertisedPort, dataDir }, options.properties));
  const jvm = [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Dlog4j2.configurationFile=${join(scriptsDir, 'kafka', 'log4j2.properties')}`,
    `-Diap.kafka.log=${logFile}`,
    '-cp',
    join(libs, '*'),
  ];
  try {
    await run('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propertiesFile]);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`[iap] formatting the private Kafka log dir failed: ${(error as Error).message}`);
  }

  let child: ChildProcess | undefined;
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;

  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    const out = openSync(logFile, 'a');
    const spawned = spawn('java', [...jvm, 'kafka.Kafka', propertiesFile], { stdio: ['ignore', out, out] });
    closeSync(out);
    child = spawned;
    track(spawned);
    spawned.once('exit', () => {
      if (child === spawned) child = undefined;
    });
    const deadline = performance.now() + startTimeoutMs;
    for (;;) {
      if (child !== spawned) throw new Error(`[iap] private Kafka exited during start; last log lines:\n${logTail(logFile)}`);
      if (await kafkaAnswersMetadata('127.0.0.1', port, 2000)) return;
      if (performance.now() > deadline) {
        throw new Error(`[iap] private Kafka on port ${port} did not answer metadata in ${startTimeoutMs} ms; last log lines:\n${logTail(logFile)}`);
      }
      // Poll again after a short pause; the deadline above bounds the wait.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const signal = async (name: NodeJS.Signals): Promise<void> => {
    const current = child;
    if (current === undefined) return;
    current.kill(name);
    if (name === 'SIGKILL') return exited(current);
    const timer = setTimeout(() => current.kill('SIGKILL'), stopTimeoutMs);
    await exited(current);
    clearTimeout(timer);
  };

  const kafka: PrivateKafka = {
    brokers: [`127.0.0.1:${advertisedPort}`],
    port,
    controllerPort,
    advertisedPort,
    root,
    pid: () => child?.pid,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    start,
    async restart() {
      await signal('SIGTERM');
      await start();
    },
    async destroy() {
      await signal('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await start();
  } catch (error) {
    await kafka.destroy();
    throw error;
  }
  return kafka;
}
