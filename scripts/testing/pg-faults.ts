/**
 * PostgreSQL faults for fault tests: terminate the backends of the component under test, as an
 * administrator or a failover would (`pg_terminate_backend`, SQLSTATE 57P01 on the client side).
 *
 * ```ts
 * const pool = new pg.Pool({ connectionString: url, application_name: 'relay-under-test' });
 * // ... work in progress ...
 * const killed = await terminateBackends(url, { applicationName: 'relay-under-test' });
 * ```
 */
import pg from 'pg';

/** Which backends {@link terminateBackends} terminates; every filter given must match. */
export interface TerminateBackendsOptions {
  /** Only backends whose `application_name` is exactly this. @defaultValue any */
  readonly applicationName?: string;
  /** Only backends connected to this database. @defaultValue any */
  readonly database?: string;
  /** Spare the admin connection that runs the termination. @defaultValue true */
  readonly exceptSelf?: boolean;
}

/**
 * Terminates every client backend that matches `options` and returns how many were terminated.
 * Background workers, replication senders and the like are never touched. With no filter at all it
 * terminates every client backend of the server, so name an `applicationName` or `database` on a
 * shared server.
 * @example
 * await terminateBackends('postgres://postgres@127.0.0.1:5432/postgres', { database: 'test_relay' });
 * @throws Error (from `pg`) when the admin connection fails or lacks the right to signal backends.
 */
export async function terminateBackends(adminUrl: string, options: TerminateBackendsOptions = {}): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'iap-pg-faults' });
  client.on('error', () => {});
  await client.connect();
  try {
    const result = await client.query<{ terminated: string }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS terminated
         FROM pg_stat_activity
        WHERE backend_type = 'client backend'
          AND ($1::text IS NULL OR application_name = $1)
          AND ($2::text IS NULL OR datname = $2)
          AND (NOT $3::boolean OR pid <> pg_backend_pid())`,
      [options.applicationName ?? null, options.database ?? null, options.exceptSelf ?? true],
    );
    return Number(result.rows[0]?.terminated ?? 0);
  } finally {
    await client.end().catch(() => {});
  }
}
