/**
 * Service discovery for integration tests. Each integration test file asks for the services it needs:
 *
 * ```ts
 * const pg = await requirePostgres();
 * describe.skipIf(!pg.available)('outbox on PostgreSQL', () => { ... });
 * ```
 *
 * When a service is unreachable the test is skipped with one loud line naming it, unless
 * `IAP_REQUIRE_SERVICES=1`, when the call throws and the test file fails.
 */
import { kafkaBrokers, postgresUrl, probeKafka, probePostgres } from './probe.mjs';

/** Whether a service is reachable, and where. */
export interface ServiceHandle {
  readonly available: boolean;
  /** PostgreSQL connection string. */
  readonly url: string;
  /** Kafka bootstrap brokers. */
  readonly brokers: string[];
}

function unavailable(name: string, where: string): void {
  const message = `[iap] ${name} is not reachable at ${where}`;
  if (process.env.IAP_REQUIRE_SERVICES === '1') {
    throw new Error(`${message} and IAP_REQUIRE_SERVICES=1: start it with \`pnpm services:up\``);
  }
  console.warn(`\n!!! SKIPPING integration tests: ${message} (run \`pnpm services:up\`; set IAP_REQUIRE_SERVICES=1 to fail instead)\n`);
}

/** Finds PostgreSQL through DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). */
export async function requirePostgres(): Promise<ServiceHandle> {
  const url = postgresUrl();
  const available = await probePostgres();
  if (!available) unavailable('PostgreSQL', url.replace(/:[^:@/]*@/, ':***@'));
  return { available, url, brokers: [] };
}

/** Finds Kafka through KAFKA_BROKERS (default 127.0.0.1:9092). */
export async function requireKafka(): Promise<ServiceHandle> {
  const brokers = kafkaBrokers();
  const available = await probeKafka();
  if (!available) unavailable('Apache Kafka', brokers.join(','));
  return { available, url: '', brokers };
}
