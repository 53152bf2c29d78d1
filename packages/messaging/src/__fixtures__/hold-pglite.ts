/** Child process for the lock test: opens a PGlite gateway on argv[2], says "ready", and waits to be killed. */
import { createPgliteDatabase } from '../pglite.js';

const db = await createPgliteDatabase({ dataDir: process.argv[2]! });
await db.query('SELECT 1');
process.stdout.write('ready\n');
setInterval(() => undefined, 1 << 30);
