/**
 * @packageDocumentation
 * @iap/resilience/postgres: Circuit breaker, retry, timeout, bulkhead, rate limiter, fallback, pipelines and a durable saga orchestrator.
 */

export {};
