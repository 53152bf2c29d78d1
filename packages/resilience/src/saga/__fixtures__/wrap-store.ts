import type { SagaStore } from '../saga-store.js';

/** A store that delegates every call to `store`, except the methods given in `overrides`. */
export function wrapStore(store: SagaStore, overrides: Partial<SagaStore> = {}): SagaStore {
  return {
    create: overrides.create ?? ((input) => store.create(input)),
    get: overrides.get ?? ((sagaId) => store.get(sagaId)),
    list: overrides.list ?? ((query) => store.list(query)),
    acquire: overrides.acquire ?? ((sagaId, input) => store.acquire(sagaId, input)),
    claim: overrides.claim ?? ((input) => store.claim(input)),
    checkpoint: overrides.checkpoint ?? ((sagaId, write) => store.checkpoint(sagaId, write)),
    purge: overrides.purge ?? ((input) => store.purge(input)),
  };
}
