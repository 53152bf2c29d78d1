/**
 * The LISTEN connection of the `pg` adapter on the shared PostgreSQL: notifications reach their
 * channel's callbacks; when the listening backend is terminated (only this test's own connection),
 * the connection comes back after `listenReconnectDelayMs`, wakes every listener once (notifications
 * may have been missed) and receives again; after the last unlisten no LISTEN connection is left.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../../src/postgres.js';
import { requirePostgres } from '../../../../scripts/testing/services.js';
import { waitFor } from '../support/wait-for.js';

const pg = await requirePostgres();

describe.skipIf(!pg.available)('LISTEN on PostgreSQL', () => {
  it('delivers notifications, reconnects after its backend is terminated, and ends with the last unlisten', async () => {
    const tag = `iap_listen_${randomBytes(5).toString('hex')}`;
    const url = new URL(pg.url);
    url.searchParams.set('application_name', tag);
    const db = createPostgresDatabase({ connectionString: url.toString(), listenReconnectDelayMs: 20 });
    const admin = createPostgresDatabase({ connectionString: pg.url, maxConnections: 1 });
    const listeners = async (): Promise<number[]> =>
      ((await admin.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'", [tag])).rows as Array<{ pid: number }>).map((r) => r.pid);
    try {
      let woken = 0;
      let other = 0;
      const unlisten = await db.listen!(tag, () => woken++);
      const unlistenOther = await db.listen!(`${tag}_other`, () => other++);
      await admin.query('SELECT pg_notify($1, $2)', [tag, '']);
      await waitFor(() => woken === 1, 'the first notification');
      expect(other).toBe(0);

      const [pid] = await listeners();
      expect(pid).toBeTypeOf('number');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      // the reconnect wakes every channel once
      await waitFor(() => woken === 2 && other === 1, 'the wake-up after the reconnect');
      await waitFor(async () => (await listeners()).some((p) => p !== pid), 'a new LISTEN backend');
      await admin.query('SELECT pg_notify($1, $2)', [tag, '']);
      await waitFor(() => woken === 3, 'a notification after the reconnect');

      await unlistenOther();
      await unlisten();
      await waitFor(async () => (await listeners()).length === 0, 'the LISTEN connection to go');
    } finally {
      await db.close();
      await admin.close();
    }
  });
});
