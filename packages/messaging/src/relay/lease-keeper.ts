/**
 * The lease keeper: every third of `leaseMs`, while the relay holds any batch (being published,
 * waiting in `ready`, or published and waiting for the next claim to acknowledge it), one statement
 * renews all their leases, so none runs out while a slow publisher holds every slot, or while the
 * relay stops. A ready batch whose lease is gone (another relay took it over) is dropped and counted
 * as lost, never published; a published or publishing one reports `leaseLost` when recorded. Arms
 * itself when a batch is held and stops when none is.
 */
import { toIapError, type TimerHandle } from '@iap/core';
import { idArrayLiteral } from '../internal/claimed-row.js';
import { readString } from '../internal/rows.js';
import { completeBatch } from './batch-metrics.js';
import type { BatchSource } from './batch-source.js';
import type { InFlightPublishes } from './in-flight-publishes.js';
import type { RelayContext } from './relay-context.js';

/** What the lease keeper needs besides the relay's context: where the held batches are. */
export interface LeaseKeeperContext {
  readonly relay: RelayContext;
  readonly inFlight: InFlightPublishes;
  readonly source: BatchSource;
  /** True once the relay stopped for good (the keeper no longer arms). */
  readonly stopped: () => boolean;
}

/** Renews the leases of the batches a relay holds. */
export class LeaseKeeper {
  readonly #ctx: LeaseKeeperContext;
  #timer: TimerHandle | undefined;

  constructor(ctx: LeaseKeeperContext) {
    this.#ctx = ctx;
  }

  /** Arms the keeper unless it is armed, the relay stopped, or no batch is held. */
  arm(): void {
    const { relay, inFlight, source, stopped } = this.#ctx;
    if (this.#timer !== undefined || stopped() || this.#held().length === 0) return;
    this.#timer = relay.options.clock.setTimeout(() => {
      const held = this.#held();
      if (held.length === 0) {
        this.#timer = undefined;
        return;
      }
      const { clock, leaseMs, logger, relayId } = relay.options;
      relay
        .run(relay.sql.renew, [idArrayLiteral(held), clock.now(), leaseMs])
        .then((result) => {
          const found = new Set(readString(result.rows[0], 'tokens')?.split(',') ?? []);
          let lost = 0;
          for (const batch of source.takeLostReady(held, found)) {
            lost++;
            completeBatch(relay, { started: batch.started, leaseToken: batch.leaseToken, claimed: batch.batch.length, outcomes: [] }, { published: 0, retried: 0, dead: 0, lost: batch.batch.length, released: 0 });
          }
          for (const token of [...inFlight.leaseTokens(), ...source.pendingAckTokens()]) if (held.includes(token) && !found.has(token)) lost++;
          if (lost > 0) logger.warn({ relay: relayId, lost }, 'outbox leases lost while their batches were published or waited (they ran out and another relay took them over)');
        })
        .catch((error: unknown) => logger.warn({ relay: relayId, error: toIapError(error).toJSON() }, 'renewing the outbox leases failed'))
        .finally(() => {
          this.#timer = undefined;
          this.arm();
        });
    }, Math.max(1, Math.floor(relay.options.leaseMs / 3)));
  }

  /** Clears the keeper's timer (the relay stopped). */
  stop(): void {
    if (this.#timer !== undefined) this.#ctx.relay.options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Lease tokens of every batch the relay holds. */
  #held(): string[] {
    return [...this.#ctx.inFlight.leaseTokens(), ...this.#ctx.source.heldLeaseTokens()];
  }
}
