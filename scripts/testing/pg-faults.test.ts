import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { terminateBackends } from './pg-faults.js';
import { postgresUrl, probePostgres } from './probe.mjs';

const available = await probePostgres();
const url = postgresUrl();

describe.skipIf(!available)('terminateBackends on the shared PostgreSQL (only this test\'s own connections)', () => {
  const app = `iap-pg-faults-test-${process.pid}`;

  it('terminates the matching backends, reports how many, and spares the rest', async () => {
    const victims = [0, 1, 2].map(() => new pg.Client({ connectionString: url, application_name: app }));
    const bystander = new pg.Client({ connectionString: url, application_name: `${app}-bystander` });
    const errors: Array<{ code?: string }> = [];
    for (const client of [...victims, bystander]) {
      client.on('error', (error: Error) => errors.push(error as { code?: string }));
      await client.connect();
    }
    try {
      expect(await terminateBackends(url, { applicationName: app })).toBe(3);
      for (const victim of victims) await expect(victim.query('SELECT 1')).rejects.toThrow();
      expect(errors.some((e) => e.code === '57P01')).toBe(true);
      await expect(bystander.query('SELECT 1')).resolves.toBeDefined();
      expect(await terminateBackends(url, { applicationName: app })).toBe(0);
      expect(await terminateBackends(url, { applicationName: 'iap-pg-faults', exceptSelf: true })).toBe(0);
    } finally {
      for (const client of [...victims, bystander]) await client.end().catch(() => {});
    }
  });
});

describe.skipIf(!available)('PostgreSQL through the fault proxy', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    const u = new URL(url);
    proxy = await startFaultProxy({ upstream: { host: u.hostname, port: Number(u.port || 5432) } });
  });
  afterAll(() => proxy.close());

  const viaProxy = (): string => {
    const u = new URL(url);
    u.host = proxy.address;
    return u.toString();
  };

  it('a cut surfaces as a connection error; after it a new connection works', async () => {
    const client = new pg.Client({ connectionString: viaProxy(), application_name: 'iap-proxy-test' });
    const lost = new Promise<Error>((resolve) => client.on('error', resolve));
    await client.connect();
    await client.query('SELECT 1');
    await proxy.cutAll();
    expect((await lost).message).toMatch(/terminated|ECONNRESET|closed/i);
    await client.end().catch(() => {});
    const again = new pg.Client({ connectionString: viaProxy() });
    await again.connect();
    expect((await again.query('SELECT 2 AS two')).rows[0].two).toBe(2);
    await again.end();
  });

  it('a black hole makes a query hang until the client gives up; heal lets new connections through', async () => {
    const client = new pg.Client({ connectionString: viaProxy(), query_timeout: 300 });
    client.on('error', () => {});
    await client.connect();
    proxy.blackHole();
    await expect(client.query('SELECT 1')).rejects.toThrow(/timeout/i);
    await proxy.heal();
    await client.end().catch(() => {});
    const again = new pg.Client({ connectionString: viaProxy() });
    await again.connect();
    await again.query('SELECT 1');
    await again.end();
  });
});
