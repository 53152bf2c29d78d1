/**
 * The relay's periodic outbox statistics: backlog, in-flight, oldest pending age and dead letters,
 * as telemetry gauges and the `stats` event (read only when something listens).
 */
import type { Outbox } from '../outbox.js';
import type { RelayContext } from './relay-context.js';

/** Reads and reports the outbox statistics; `undefined` when neither gauges nor `stats` listeners want them. */
export function reportOutboxStats(ctx: RelayContext, outbox: Outbox): Promise<void> | undefined {
  const { telemetry, database, outbox: internals } = ctx.options;
  if (telemetry.gauge === undefined && !ctx.events.has('stats')) return undefined;
  return outbox.stats(database).then((stats) => {
    const attributes = { schema: internals.names.schema, table: `${internals.names.tablePrefix}outbox` };
    telemetry.gauge?.('iap.outbox.backlog', stats.pending, attributes);
    telemetry.gauge?.('iap.outbox.in_flight', stats.inFlight, attributes);
    telemetry.gauge?.('iap.outbox.oldest_pending_age_ms', stats.oldestPendingAgeMs, attributes);
    telemetry.gauge?.('iap.outbox.dead_letters', stats.deadLetters, attributes);
    ctx.events.emit('stats', stats);
  });
}
