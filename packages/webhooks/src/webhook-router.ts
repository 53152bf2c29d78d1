import { ErrorCode, IapError, validateWithSchema, ValidationError, type StandardSchemaV1 } from '@iap/core';
import type { VerifiedWebhook } from './verified-webhook.js';

/** A handler for one event type: the (validated) payload and the verified event. */
export type WebhookEventHandler<TPayload> = (payload: TPayload, event: VerifiedWebhook<unknown>) => unknown;

/**
 * What {@link WebhookRouter.dispatch} did.
 *
 * @example
 * ```ts
 * const { handled, type } = await router.dispatch(event);
 * if (!handled) log.info(`no handler for ${type}`);
 * ```
 */
export interface DispatchResult {
  /** The event type that was looked up. */
  readonly type: string | undefined;
  /** Whether a handler (typed or fallback) ran. */
  readonly handled: boolean;
  /** What the handler returned (awaited). */
  readonly value: unknown;
}

/**
 * Typed dispatch of verified events by event type.
 *
 * @example
 * ```ts
 * router.on('push', (payload) => console.log(payload.ref)).otherwise((_, event) => console.log('ignored', event.type));
 * await router.dispatch(verified);
 * ```
 */
export interface WebhookRouter<TEvents extends Record<string, unknown>> {
  /**
   * Registers the handler of one event type.
   * @throws IapError `INVALID_OPTIONS` when the type already has a handler.
   */
  on<K extends keyof TEvents & string>(type: K, handler: WebhookEventHandler<TEvents[K]>): this;
  /** Registers the handler of every type without its own. */
  otherwise(handler: WebhookEventHandler<unknown>): this;
  /**
   * Runs the handler for `event.type` with its payload (validated with the type's schema, if any).
   * @throws ValidationError when the payload does not match the type's schema; IapError `DECODE`
   * for an unparseable payload; whatever the handler throws.
   */
  dispatch(event: VerifiedWebhook<unknown>): Promise<DispatchResult>;
}

/** The event map of a router built from schemas. */
export type EventsOfSchemas<TSchemas extends Record<string, StandardSchemaV1>> = { [K in keyof TSchemas]: StandardSchemaV1.InferOutput<TSchemas[K]> };

/**
 * Creates a router. Give it an event map type, or a `schemas` map (one Standard Schema per event
 * type) to validate and infer payload types.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * const router = createWebhookRouter({ schemas: { 'invoice.paid': z.object({ data: z.object({ object: z.object({ id: z.string() }) }) }) } });
 * router.on('invoice.paid', (event) => markPaid(event.data.object.id));
 * ```
 */
export function createWebhookRouter<TEvents extends Record<string, unknown> = Record<string, unknown>>(): WebhookRouter<TEvents>;
export function createWebhookRouter<TSchemas extends Record<string, StandardSchemaV1>>(options: { readonly schemas: TSchemas }): WebhookRouter<EventsOfSchemas<TSchemas>>;
export function createWebhookRouter(options?: { readonly schemas?: Record<string, StandardSchemaV1> }): WebhookRouter<Record<string, unknown>> {
  const schemas = new Map<string, StandardSchemaV1>(Object.entries(options?.schemas ?? {}));
  const handlers = new Map<string, WebhookEventHandler<unknown>>();
  let fallback: WebhookEventHandler<unknown> | undefined;

  const router: WebhookRouter<Record<string, unknown>> = {
    on(type, handler) {
      if (typeof handler !== 'function') throw new IapError(ErrorCode.INVALID_OPTIONS, `createWebhookRouter: the handler of "${type}" must be a function`);
      if (handlers.has(type)) throw new IapError(ErrorCode.INVALID_OPTIONS, `createWebhookRouter: "${type}" already has a handler`);
      handlers.set(type, handler);
      return router;
    },
    otherwise(handler) {
      fallback = handler;
      return router;
    },
    async dispatch(event) {
      const type = event.type;
      const handler = (type === undefined ? undefined : handlers.get(type)) ?? fallback;
      if (handler === undefined) return { type, handled: false, value: undefined };
      let payload = event.payload();
      const schema = type === undefined ? undefined : schemas.get(type);
      if (schema !== undefined) {
        const result = validateWithSchema(schema, payload);
        if (!result.ok) throw new ValidationError(`${event.provider} "${type}" payload`, result.issues);
        payload = result.value;
      }
      return { type, handled: true, value: await handler(payload, event) };
    },
  };
  return router;
}
