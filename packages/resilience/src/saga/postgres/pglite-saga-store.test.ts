import { PGlite } from '@electric-sql/pglite';
import { describeSagaStoreContract } from '../__fixtures__/saga-store-contract.js';
import { createPGliteSagaStore } from './pglite-saga-store.js';

describeSagaStoreContract('PGlite', async () => {
  const db = await PGlite.create();
  const store = createPGliteSagaStore({ db, schema: 'sagas' });
  await store.migrate();
  return { store, close: () => db.close() };
});
