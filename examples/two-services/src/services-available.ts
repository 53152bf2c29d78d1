/** Whether PostgreSQL and Kafka answer, so the runner can say what is missing in one line. */
import pg from 'pg';
import { brokerReachable } from './broker-reachable.js';

/** Names of the services that do not answer (empty when both do). */
export async function missingServices(databaseUrl: string, brokers: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch {
    missing.push(`PostgreSQL at ${new URL(databaseUrl).host}`);
  }
  if (missing.length === 0) await client.end();
  if (!(await brokerReachable(brokers))) missing.push(`Kafka at ${brokers.join(',')}`);
  return missing;
}
