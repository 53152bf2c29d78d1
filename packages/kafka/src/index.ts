/**
 * @packageDocumentation
 * @iap/kafka: Kafka envelope codec, outbox publisher and a consumer runner with retries, retry topics and dead-letter.
 */

export {};
