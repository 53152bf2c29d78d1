import { describeSagaStoreContract } from './__fixtures__/saga-store-contract.js';
import { createInMemorySagaStore } from './in-memory-saga-store.js';

describeSagaStoreContract('in-memory', () => Promise.resolve({ store: createInMemorySagaStore(), close: () => Promise.resolve() }));
