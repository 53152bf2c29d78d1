/**
 * @packageDocumentation
 * @iap/kafka/kafkajs: the {@link KafkaTransport} adapter for kafkajs 2.x (an optional peer
 * dependency; install `kafkajs` to use this entry).
 */
export { createKafkaJsTransport, toKafkaJsBrokerError } from './kafkajs-transport.js';
export type { KafkaJsTransportOptions } from './kafkajs-transport.js';
export type { KafkaTransport } from './transport.js';
