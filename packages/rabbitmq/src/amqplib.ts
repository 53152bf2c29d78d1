/**
 * @packageDocumentation
 * @iap/rabbitmq/amqplib: the {@link AmqpTransport} adapter for amqplib (an optional peer dependency;
 * install `amqplib` to use this entry).
 */
export { createAmqplibTransport } from './amqplib-transport.js';
export type { AmqplibTransportOptions } from './amqplib-transport.js';
export type { AmqpTransport } from './transport.js';
