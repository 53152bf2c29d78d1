// Probes for the real services of @iap's integration tests. Shared by scripts and test files.
import net from 'node:net';

/** PostgreSQL URL for integration tests: DATABASE_URL or the machine's default. */
export function postgresUrl() {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
}

/** Kafka bootstrap brokers for integration tests: KAFKA_BROKERS (comma-separated) or 127.0.0.1:9092. */
export function kafkaBrokers() {
  return (process.env.KAFKA_BROKERS || '127.0.0.1:9092')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function tcpOpen(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when PostgreSQL at postgresUrl() answers `SELECT 1`. */
export async function probePostgres() {
  let pg;
  try {
    pg = (await import('pg')).default;
  } catch {
    const u = new URL(postgresUrl());
    return tcpOpen(u.hostname, Number(u.port || 5432));
  }
  const client = new pg.Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** True when the first Kafka broker accepts TCP connections. */
export async function probeKafka() {
  const [first] = kafkaBrokers();
  if (!first) return false;
  const idx = first.lastIndexOf(':');
  return tcpOpen(first.slice(0, idx), Number(first.slice(idx + 1)));
}
