import { EventHub } from '../internal/event-hub.js';
import type { CircuitBreakerEvents, CircuitState, CircuitTransitionReason } from './circuit-breaker-events.js';

/**
 * The listeners of one circuit breaker: a plain "somebody listens" flag per event, kept up to date
 * on every subscription change, so the call path tests a boolean instead of asking the emitter, and
 * builds an event's payload only when somebody will receive it.
 */
export class CircuitBreakerListeners {
  success = false;
  failure = false;
  ignored = false;
  rejected = false;
  stateChange = false;
  discarded = false;
  stateStoreError = false;
  readonly #hub: EventHub<CircuitBreakerEvents>;

  /** `onChange` runs after every subscription change, once the flags are updated. */
  constructor(onChange: () => void, onListenerError: ((error: unknown, event: string) => void) | undefined) {
    this.#hub = new EventHub<CircuitBreakerEvents>(() => {
      this.#refresh();
      onChange();
    }, onListenerError);
  }

  on<K extends keyof CircuitBreakerEvents>(event: K, listener: (payload: CircuitBreakerEvents[K]) => void): () => void {
    return this.#hub.on(event, listener);
  }

  off<K extends keyof CircuitBreakerEvents>(event: K, listener: (payload: CircuitBreakerEvents[K]) => void): void {
    this.#hub.off(event, listener);
  }

  removeAll(): void {
    this.#hub.removeAllListeners();
  }

  #refresh(): void {
    const hub = this.#hub;
    this.success = hub.has('success');
    this.failure = hub.has('failure');
    this.ignored = hub.has('ignored');
    this.rejected = hub.has('rejected');
    this.stateChange = hub.has('stateChange');
    this.discarded = hub.has('discarded');
    this.stateStoreError = hub.has('stateStoreError');
  }

  emitSuccess(state: CircuitState, durationMs: number | undefined, slow: boolean): void {
    if (this.success) this.#hub.emit('success', { state, durationMs, slow });
  }

  /** `valueOrError` is the error when the call threw, otherwise the result `classifyResult` called a failure. */
  emitFailure(state: CircuitState, threw: boolean, valueOrError: unknown, durationMs: number | undefined, slow: boolean): void {
    if (this.failure) this.#hub.emit('failure', { state, error: threw ? valueOrError : undefined, result: threw ? undefined : valueOrError, durationMs, slow });
  }

  emitIgnored(state: CircuitState, threw: boolean, valueOrError: unknown, durationMs: number | undefined): void {
    if (this.ignored) this.#hub.emit('ignored', { state, error: threw ? valueOrError : undefined, durationMs });
  }

  emitRejected(state: 'open' | 'half-open' | 'isolated', retryAfterMs: number | undefined): void {
    if (this.rejected) this.#hub.emit('rejected', { state, retryAfterMs });
  }

  emitDiscarded(generation: number, currentGeneration: number): void {
    if (this.discarded) this.#hub.emit('discarded', { generation, currentGeneration });
  }

  emitStateChange(from: CircuitState, to: CircuitState, reason: CircuitTransitionReason, generation: number, atMs: number): void {
    if (this.stateChange) this.#hub.emit('stateChange', { from, to, reason, generation, atMs });
  }

  emitStateStoreError(operation: 'read' | 'write', error: unknown): void {
    if (this.stateStoreError) this.#hub.emit('stateStoreError', { operation, error });
  }
}
