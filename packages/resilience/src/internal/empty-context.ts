import type { ExecutionContext } from '../policy.js';

/** The context used when a caller passes none: no signal, no data. Shared, so calls allocate nothing. */
export const EMPTY_CONTEXT: ExecutionContext = Object.freeze({ signal: undefined, data: undefined });
