// Starts, stops and reports the real services @iap's integration tests use.
//
//   node scripts/services.mjs up       ensure PostgreSQL accepts connections, start Kafka if none answers,
//                                      install the wal2json plugin (apt) when missing
//   node scripts/services.mjs down     stop the Kafka broker started by `up`
//   node scripts/services.mjs status   print what is reachable
//
// PostgreSQL comes from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); when it does
// not accept connections, `up` starts the machine's cluster with pg_ctlcluster. Kafka comes from
// KAFKA_BROKERS (default 127.0.0.1:9092); when nothing answers there, `up` runs scripts/kafka.sh.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeKafka, probePostgres, postgresUrl, kafkaBrokers } from './testing/probe.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const command = process.argv[2] ?? 'status';

function log(message) {
  process.stderr.write(`[services] ${message}\n`);
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

async function ensurePostgres() {
  if (await probePostgres()) {
    log(`PostgreSQL accepts connections at ${redact(postgresUrl())}`);
    return true;
  }
  if (!hasCommand('pg_ctlcluster')) {
    log('PostgreSQL is not accepting connections and pg_ctlcluster is not installed');
    return false;
  }
  let versions = [];
  try {
    versions = readdirSync('/etc/postgresql');
  } catch {
    log('PostgreSQL is not accepting connections and /etc/postgresql has no cluster');
    return false;
  }
  for (const version of versions) {
    log(`starting PostgreSQL ${version} with pg_ctlcluster`);
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  }
  for (let i = 0; i < 30; i++) {
    if (await probePostgres()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  log('PostgreSQL did not start');
  return false;
}

async function ensureKafka() {
  if (await probeKafka()) {
    log(`Kafka answers at ${kafkaBrokers().join(',')}`);
    return true;
  }
  if (!hasCommand('java') || !hasCommand('mvn')) {
    log('Kafka is not reachable and Java or Maven is missing, so no broker can be started');
    return false;
  }
  const result = spawnSync('bash', [join(here, 'kafka.sh'), 'up'], { stdio: 'inherit' });
  return result.status === 0;
}

/**
 * The live CDC capture needs the wal2json output plugin for the machine's PostgreSQL server (the
 * private clusters of the tests use these binaries). Installed with apt when missing and we may.
 */
function ensureWal2json() {
  let majors = [];
  try {
    majors = readdirSync('/usr/lib/postgresql').filter((name) => /^\d+$/.test(name));
  } catch {
    return true; // no server binaries: the tests that need them skip (or fail under IAP_REQUIRE_SERVICES=1)
  }
  const major = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (major === undefined) return true;
  const pkg = `postgresql-${major}-wal2json`;
  if (spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0) return true;
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    log(`${pkg} is not installed and apt-get cannot be run here; the live wal2json capture is skipped`);
    return false;
  }
  log(`installing ${pkg} (wal2json output plugin for the live CDC capture)`);
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) : update;
  return install.status === 0;
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}

if (command === 'up') {
  const pg = await ensurePostgres();
  const kafka = await ensureKafka();
  const wal2json = ensureWal2json();
  process.exit(pg && kafka && wal2json ? 0 : 1);
} else if (command === 'down') {
  execFileSync('bash', [join(here, 'kafka.sh'), 'down'], { stdio: 'inherit' });
} else if (command === 'status') {
  log(`PostgreSQL ${(await probePostgres()) ? 'reachable' : 'NOT reachable'} at ${redact(postgresUrl())}`);
  log(`Kafka ${(await probeKafka()) ? 'reachable' : 'NOT reachable'} at ${kafkaBrokers().join(',')}`);
} else {
  log('usage: node scripts/services.mjs up|down|status');
  process.exit(2);
}
