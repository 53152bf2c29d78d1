/**
 * Debezium (PostgreSQL connector) record values and keys, exactly as they arrive from Kafka: JSON
 * text, so every number literal is kept as the connector wrote it. `String.raw` keeps the escaped
 * quotes inside `source.sequence`.
 *
 * Provenance (see /work/shared/fixtures/cdc/SOURCES.md, which names the public sources):
 * - `orderSnapshot`: fixture debezium-pg-with-schema-decimal-snapshot.json, real output of Debezium
 *   2.5.4 with JsonConverter `schemas.enable=true` (kafka-console-consumer, topic postgres-raw.public.orders),
 *   re-indented only.
 * - `productUpdate`: fixture debezium-pg-update-decimal-base64-before-null.json, real Debezium 2.6.2
 *   output (REPLICA IDENTITY DEFAULT: `before` is null; `price` NUMERIC(10,2) as base64 bytes).
 * - `productDelete`: fixture debezium-pg-delete-replica-identity-default.json, same source (the delete's
 *   `before` holds only the primary key).
 * - `hammerUpdate`: fixture debezium-pg-update-replica-identity-full.json, real Debezium 1.2.1 output
 *   from apache/flink's test resources (REPLICA IDENTITY FULL: a complete `before`).
 * - `authorToastUpdate`: fixture debezium-pg-update-toast-unavailable.record.json, real Debezium 3.1.0
 *   output (gunnarmorling/streaming-examples): an unchanged TOAST column arrives as the placeholder.
 * - `transaction`: DERIVED by us. The BEGIN/END markers follow fixtures debezium-txmeta-begin.record.json
 *   (Debezium documentation) and debezium-txmeta-end.record.json (real, Debezium 3.x); the two data
 *   events follow the 2.6.2 records above, with the `transaction` block Debezium adds when
 *   `provide.transaction.metadata=true`. Ids, LSNs and values are ours.
 */

/** A Kafka record as the example feeds it to the parser. */
export interface DebeziumRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
}

export const orderSnapshot: DebeziumRecord = {
  topic: 'postgres-raw.public.orders',
  key: null,
  value: String.raw`{"schema":{"type":"struct","name":"postgres-raw.public.orders.Envelope","optional":false,"version":1,"fields":[
  {"type":"struct","optional":true,"name":"postgres-raw.public.orders.Value","field":"before","fields":[
    {"type":"int32","optional":false,"default":0,"field":"order_id"},
    {"type":"string","optional":false,"field":"customer_name"},
    {"type":"string","optional":false,"field":"product"},
    {"type":"int32","optional":false,"field":"quantity"},
    {"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"price"},
    {"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"default":0,"field":"order_date"},
    {"type":"string","optional":true,"default":"PENDING","field":"status"}
  ]},
  {"type":"struct","optional":true,"name":"postgres-raw.public.orders.Value","field":"after","fields":[
    {"type":"int32","optional":false,"default":0,"field":"order_id"},
    {"type":"string","optional":false,"field":"customer_name"},
    {"type":"string","optional":false,"field":"product"},
    {"type":"int32","optional":false,"field":"quantity"},
    {"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"price"},
    {"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"default":0,"field":"order_date"},
    {"type":"string","optional":true,"default":"PENDING","field":"status"}
  ]},
  {"type":"struct","optional":false,"name":"io.debezium.connector.postgresql.Source","field":"source","fields":[
    {"type":"string","optional":false,"field":"version"},
    {"type":"string","optional":false,"field":"connector"},
    {"type":"string","optional":false,"field":"name"},
    {"type":"int64","optional":false,"field":"ts_ms"},
    {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,last,false,incremental"},"default":"false","field":"snapshot"},
    {"type":"string","optional":false,"field":"db"},
    {"type":"string","optional":true,"field":"sequence"},
    {"type":"string","optional":false,"field":"schema"},
    {"type":"string","optional":false,"field":"table"},
    {"type":"int64","optional":true,"field":"txId"},
    {"type":"int64","optional":true,"field":"lsn"},
    {"type":"int64","optional":true,"field":"xmin"}
  ]},
  {"type":"string","optional":false,"field":"op"},
  {"type":"int64","optional":true,"field":"ts_ms"},
  {"type":"struct","optional":true,"name":"event.block","version":1,"field":"transaction","fields":[
    {"type":"string","optional":false,"field":"id"},
    {"type":"int64","optional":false,"field":"total_order"},
    {"type":"int64","optional":false,"field":"data_collection_order"}
  ]}
]},
"payload":{"before":null,"after":{"order_id":1,"customer_name":"John Doe","product":"Laptop","quantity":1,"price":"AdTA","order_date":1767610078945635,"status":"COMPLETED"},"source":{"version":"2.5.4.Final","connector":"postgresql","name":"postgres-raw","ts_ms":1767611532462,"snapshot":"first","db":"testdb","sequence":"[null,\"26843720\"]","schema":"public","table":"orders","txId":742,"lsn":26843720,"xmin":null},"op":"r","ts_ms":1767611532655,"transaction":null}}`,
};

export const productUpdate: DebeziumRecord = {
  topic: 'cdc_.public.products',
  key: '{"id":2}',
  value: String.raw`{"before":null,"after":{"id":2,"name":"Product B","price":"C+o="},
"source":{"version":"2.6.2.Final","connector":"postgresql","name":"cdc_","ts_ms":1719649856386,"snapshot":"false","db":"debezium","sequence":"[\"25685616\",\"25685672\"]","ts_us":1719649856386323,"ts_ns":1719649856386323000,"schema":"public","table":"products","txId":740,"lsn":25685672,"xmin":null},
"op":"u","ts_ms":1719649856839,"ts_us":1719649856839757,"ts_ns":1719649856839757000,"transaction":null}`,
};

export const productDelete: DebeziumRecord = {
  topic: 'cdc_.public.products',
  key: '{"id":1}',
  value: String.raw`{"before":{"id":1,"name":null,"price":null},"after":null,
"source":{"version":"2.6.2.Final","connector":"postgresql","name":"cdc_","ts_ms":1719649976130,"snapshot":"false","db":"debezium","sequence":"[\"25685808\",\"25685864\"]","ts_us":1719649976130193,"ts_ns":1719649976130193000,"schema":"public","table":"products","txId":741,"lsn":25685864,"xmin":null},
"op":"d","ts_ms":1719649976332,"ts_us":1719649976332573,"ts_ns":1719649976332573000,"transaction":null}`,
};

export const hammerUpdate: DebeziumRecord = {
  topic: 'fullfillment.inventory.products',
  key: '{"id":106}',
  value: String.raw`{"before":{"id":106,"name":"hammer","description":"16oz carpenter's hammer","weight":1.0},
"after":{"id":106,"name":"hammer","description":"18oz carpenter hammer","weight":1.0},
"source":{"version":"1.2.1.Final","connector":"postgresql","name":"fullfillment","ts_ms":1596010889629,"snapshot":"false","db":"postgres","schema":"inventory","table":"products","txId":602,"lsn":34131104,"xmin":null},
"op":"u","ts_ms":1596010890411,"transaction":null}`,
};

export const authorToastUpdate: DebeziumRecord = {
  topic: 'dbserver2.inventory.authors',
  key: '{"id":1001}',
  value: String.raw`{"before":null,"after":{"id":1001,"first_name":"Tom","last_name":"Wolfe","biography":"__debezium_unavailable_value","dob":-1257206400000000},
"source":{"version":"3.1.0.Final","connector":"postgresql","name":"dbserver2","ts_ms":1746440315942,"snapshot":"false","db":"postgres","sequence":"[null,\"34415840\"]","ts_us":1746440315942179,"ts_ns":1746440315942179000,"schema":"inventory","table":"authors","txId":777,"lsn":34415840,"xmin":null},
"transaction":null,"op":"u","ts_ms":1746440316214,"ts_us":1746440316214861,"ts_ns":1746440316214861840}`,
};

const txSource = (table: string, lsn: number, tsUs: number) =>
  `"source":{"version":"2.6.2.Final","connector":"postgresql","name":"postgres-raw","ts_ms":${Math.floor(tsUs / 1000)},"snapshot":"false","db":"testdb","sequence":"[null,\\"${lsn}\\"]","ts_us":${tsUs},"ts_ns":${tsUs}000,"schema":"public","table":"${table}","txId":771,"lsn":${lsn},"xmin":null}`;

/** One transaction (two tables) with its BEGIN and END markers, in the order a consumer of both topics might see them. */
export const transaction: readonly DebeziumRecord[] = [
  {
    topic: 'postgres-raw.public.inventory',
    key: '{"sku":"MON-27"}',
    value: `{"before":null,"after":{"sku":"MON-27","on_hand":8},${txSource('inventory', 26844208, 1767611600131204)},"op":"u","ts_ms":1767611600290,"ts_us":1767611600290118,"ts_ns":1767611600290118000,"transaction":{"id":"771:26844112","total_order":2,"data_collection_order":1}}`,
  },
  {
    topic: 'postgres-raw.transaction',
    key: '{"id":"771:26844112"}',
    value: '{"status":"BEGIN","id":"771:26844112","ts_ms":1767611600120,"event_count":null,"data_collections":null}',
  },
  {
    topic: 'postgres-raw.public.orders',
    key: '{"order_id":2}',
    value: `{"before":null,"after":{"order_id":2,"customer_name":"Jane Roe","product":"Monitor","quantity":2,"price":"ZY4=","order_date":1767611600118402,"status":"PENDING"},${txSource('orders', 26844160, 1767611600130017)},"op":"c","ts_ms":1767611600288,"ts_us":1767611600288771,"ts_ns":1767611600288771000,"transaction":{"id":"771:26844112","total_order":1,"data_collection_order":1}}`,
  },
  {
    topic: 'postgres-raw.transaction',
    key: '{"id":"771:26844112"}',
    value: '{"status":"END","id":"771:26844112","ts_ms":1767611600135,"event_count":2,"data_collections":[{"data_collection":"public.orders","event_count":1},{"data_collection":"public.inventory","event_count":1}]}',
  },
];
