/**
 * @packageDocumentation
 * @iap/resilience: circuit breaker, retry, timeout, bulkhead, rate limiter, fallback and pipelines,
 * plus a durable saga orchestrator (stores for PostgreSQL and PGlite under `@iap/resilience/postgres`).
 */

// --- policies (circuit breaker, retry, timeout, bulkhead, rate limiter, fallback, pipeline) ---

// --- saga (exports of src/saga/) ---

export {};
