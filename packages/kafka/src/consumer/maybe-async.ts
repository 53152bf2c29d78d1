/**
 * `settle` and `MaybePromise` moved to core with the consume pipeline (`@iap/core`, src/consume/);
 * re-exported here for the consumer's own parts.
 */
export { isThenable, settle } from '@iap/core';
export type { MaybePromise } from '@iap/core';
