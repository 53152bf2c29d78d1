import { describe, expect, it } from 'vitest';
import * as edge from './edge.js';
import * as node from './index.js';

/** What only the node:crypto entry has: its verifier and signer and the Node-server adapters. */
const NODE_ONLY = ['createWebhookVerifier', 'createWebhookSigner', 'createNodeWebhookHandler', 'nodeRequestUrl', 'createExpressWebhookHandler', 'createFastifyWebhookPlugin', 'createLambdaWebhookHandler', 'lambdaEventUrl'];
/** What only the WebCrypto entry has. */
const EDGE_ONLY = ['createEdgeWebhookVerifier', 'createEdgeWebhookSigner'];

describe('the two entry points', () => {
  // both barrels list their exports by name (no `export *`): this keeps the shared part in step,
  // so a provider or helper added to one is not missing from the other
  it('export the same providers, results, errors, dedup, router and Fetch adapter', () => {
    const shared = (names: string[], only: string[]) => names.filter((name) => !only.includes(name)).sort();
    expect(shared(Object.keys(edge), EDGE_ONLY)).toEqual(shared(Object.keys(node), NODE_ONLY));
    for (const name of NODE_ONLY) expect(node).toHaveProperty(name);
    for (const name of EDGE_ONLY) expect(edge).toHaveProperty(name);
  });
});
