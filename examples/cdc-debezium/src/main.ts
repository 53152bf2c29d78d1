/**
 * @iap/cdc on real Debezium (PostgreSQL) messages: decimals from base64 bytes and nanosecond
 * timestamps decoded without losing a digit, honest per-field diffs (full, missing and key-only
 * before images, an unchanged TOAST column), deterministic audit records, and a transaction whose
 * events and markers arrive out of order, assembled and released in commit order.
 * Run: `pnpm --filter @iap-example/cdc-debezium example`.
 */
import { Decimal, changedFields, createCdcParser, createTransactionAssembler, isUnavailable, toAuditRecord, type ChangeEvent, type TransactionBatch } from '@iap/cdc';
import { check } from './check.js';
import { authorToastUpdate, hammerUpdate, orderSnapshot, productDelete, productUpdate, transaction, type DebeziumRecord } from './messages.js';

// Schemaless messages do not say that `price` is a NUMERIC(10,2) sent as base64 bytes: tell the parser.
const parser = createCdcParser({
  columnTypes: {
    'public.products': { price: { type: 'decimal', scale: 2, encoding: 'base64' } },
    'public.orders': { price: { type: 'decimal', scale: 2, encoding: 'base64' }, order_date: { type: 'timestamp-micros' } },
  },
});
const parse = (record: DebeziumRecord): ChangeEvent => parser.parseOne(record.value, { key: record.key, topic: record.topic });
/** A column value as text for printing (the values here are strings, numbers or bigints). */
const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value) : JSON.stringify(value));
const position = (event: ChangeEvent) => (event.source.position && 'lsn' in event.source.position ? `lsn ${String(event.source.position.lsn)}` : 'no position');

console.log('== values: decimals and timestamps, exact');
const snapshot = parse(orderSnapshot);
console.log(`${snapshot.operation} ${snapshot.source.table} (snapshot "${String(snapshot.source.snapshot)}", ${position(snapshot)}): price ${text(snapshot.after?.price)} from base64 "AdTA", order_date ${text(snapshot.after?.order_date)}`);
check(snapshot.operation === 'read' && snapshot.source.isSnapshot, 'the snapshot row is a read');
check(snapshot.after?.price === '1200.00', 'the Decimal schema (scale 2) decodes "AdTA" to 1200.00, trailing zeros kept');
check(snapshot.after?.order_date === '2026-01-05T10:47:58.945635', 'the MicroTimestamp keeps its microseconds (zone-less: no Z)');
const asDecimal = createCdcParser({ decimalMode: 'decimal' }).parseOne(orderSnapshot.value).after?.price;
check(asDecimal instanceof Decimal && asDecimal.unscaled === 120_000n && asDecimal.scale === 2, 'decimalMode "decimal" gives unscaled bigint + scale');
console.log(`the same price with decimalMode "decimal": unscaled ${asDecimal.unscaled}n, scale ${asDecimal.scale}`);

const toast = parse(authorToastUpdate);
const naive = (JSON.parse(authorToastUpdate.value) as { ts_ns: number }).ts_ns;
console.log(`event time of the ${toast.source.table} update: ${String(toast.eventTimeNs)} ns (JSON.parse would give ${naive})`);
check(toast.eventTimeNs === 1_746_440_316_214_861_840n && BigInt(naive) !== toast.eventTimeNs, 'nanosecond timestamps stay exact bigints');

console.log('\n== diffs: what really changed');
const hammer = parse(hammerUpdate);
const hammerDiff = changedFields(hammer);
console.log(`${hammer.source.table} ${JSON.stringify(hammer.key)} (before image ${hammer.beforeImage}): changed [${hammerDiff.changed.join(', ')}], unchanged [${hammerDiff.unchanged.join(', ')}], keyChanged ${String(hammerDiff.keyChanged)}`);
check(JSON.stringify(hammerDiff.changed) === '["description"]' && hammerDiff.keyChanged === false, 'a full before image gives an exact diff');

const product = parse(productUpdate);
const productDiff = changedFields(product);
console.log(`${product.source.table} ${JSON.stringify(product.key)} (before image ${product.beforeImage}): price now ${text(product.after?.price)}; unknown [${productDiff.unknown.join(', ')}], keyChanged ${String(productDiff.keyChanged)}`);
check(product.after?.price === '30.50' && productDiff.changed.length === 0 && productDiff.unknown.length === 3, 'without a before image nothing is claimed to have changed');

const toastDiff = changedFields(toast);
console.log(`${toast.source.table} ${JSON.stringify(toast.key)}: biography is ${isUnavailable(toast.after?.biography) ? 'Unavailable (unchanged TOAST value, not the placeholder string)' : 'a value'}; unchanged [${toastDiff.unchanged.join(', ')}]`);
check(isUnavailable(toast.after?.biography) && toastDiff.fields.biography === 'unchanged', 'the TOAST placeholder is the Unavailable sentinel and counts as unchanged');

const removed = parse(productDelete);
console.log(`${removed.operation} ${removed.source.table} ${JSON.stringify(removed.key)}: before image ${removed.beforeImage} (REPLICA IDENTITY DEFAULT keeps only the key)`);
check(removed.operation === 'delete' && removed.beforeImage === 'key-only', 'a delete under REPLICA IDENTITY DEFAULT has a key-only before image');

console.log('\n== audit records: value-free, same change → same id');
const audit = toAuditRecord(hammer);
console.log(JSON.stringify(audit));
check(audit !== null && audit.id === toAuditRecord(parse(hammerUpdate))?.id, 'parsing the same record again gives the same audit id');
check(!JSON.stringify(audit).includes('carpenter'), 'no row values in the audit record unless asked');

console.log('\n== transactions: events and markers out of order, released together');
const assembler = createTransactionAssembler({ transactionTimeoutMs: 60_000 });
const released: TransactionBatch[] = [];
for (const record of transaction) {
  const event = parse(record);
  console.log(`  in: ${event.kind}${event.transactionMarker ? ` ${event.transactionMarker.status}` : ` ${String(event.operation)} ${String(event.source.table)} (total_order ${String(event.transaction?.totalOrder)})`}`);
  released.push(...assembler.push(event));
}
for (const batch of released) {
  console.log(`  out: transaction ${String(batch.transactionId)} ${batch.reason}, ${batch.events.length} events in commit order: ${batch.events.map((e) => `${String(e.operation)} ${String(e.source.table)}`).join(', ')}`);
}
const [batch] = released;
check(released.length === 1 && batch?.reason === 'completed' && batch.complete, 'one complete batch once the END marker counts are reached');
check(batch.events.map((e) => e.source.table).join() === 'orders,inventory', 'events are released in total_order');
check(batch.events[0]?.after?.price === '259.98', 'the order line price is exact');
console.log('\ncdc-debezium: all checks passed');
