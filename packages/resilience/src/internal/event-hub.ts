import { TypedEmitter, type Listener, type TypedEventSource } from '@iap/core';

/**
 * A {@link TypedEmitter} that tells its owner when subscriptions change, so hot paths can keep
 * plain boolean "someone listens" flags instead of asking the emitter on every call.
 */
export class EventHub<Events extends object> implements TypedEventSource<Events> {
  readonly #emitter: TypedEmitter<Events>;
  readonly #onChange: () => void;

  constructor(onChange: () => void, onListenerError?: (error: unknown, event: string) => void) {
    this.#emitter = new TypedEmitter<Events>(onListenerError === undefined ? {} : { onListenerError });
    this.#onChange = onChange;
  }

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    this.#emitter.on(event, listener);
    this.#onChange();
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#emitter.off(event, listener);
    this.#onChange();
  }

  has(event: keyof Events): boolean {
    return this.#emitter.has(event);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    this.#emitter.emit(event, payload);
  }

  removeAllListeners(): void {
    this.#emitter.removeAllListeners();
    this.#onChange();
  }
}
