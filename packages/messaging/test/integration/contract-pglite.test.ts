import { messagingContract } from '../contract/messaging-contract.js';
import { createPgliteDatabase } from '../../src/pglite.js';

messagingContract({ name: 'PGlite (embedded)', open: () => createPgliteDatabase() });
