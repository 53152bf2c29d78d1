/**
 * The publishes a relay has under way, by the lease token of their batch: the lease keeper renews
 * their leases, and a stop that gives up waiting aborts them.
 */
export class InFlightPublishes {
  readonly #aborts = new Map<string, AbortController>();

  /** Registers the publish of the batch leased under `leaseToken`; returns the signal's controller. */
  begin(leaseToken: string): AbortController {
    const abort = new AbortController();
    this.#aborts.set(leaseToken, abort);
    return abort;
  }

  /** The publish of the batch leased under `leaseToken` settled. */
  end(leaseToken: string): void {
    this.#aborts.delete(leaseToken);
  }

  /** Lease tokens of the batches being published. */
  leaseTokens(): string[] {
    return [...this.#aborts.keys()];
  }

  /** Aborts every publish under way (their messages are then handed back). */
  abortAll(): void {
    for (const abort of this.#aborts.values()) abort.abort();
  }
}
