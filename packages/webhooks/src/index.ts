/**
 * @packageDocumentation
 * @iap/webhooks: Verify and sign webhooks of every major provider, exactly and fast, with framework adapters.
 */

export {};
