/**
 * @iap/core benchmark: envelope encode + decode + validate of a 1 KiB payload, against the floor
 * (raw JSON.stringify + JSON.parse of the same object) and the `cloudevents` SDK (structured mode:
 * HTTP.structured + HTTP.toEvent, which validates), in one run. `pnpm bench` in this folder.
 */
import { CloudEvent, HTTP } from 'cloudevents';
import { measureMicro, reportResults } from '../../../scripts/bench-kit.js';
import { createEnvelope, decodeEnvelope, encodeEnvelope } from '../src/index.js';

function payloadOfAboutOneKiB(): Record<string, unknown> {
  const lines = Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-${1000 + i}`, description: `Industrial widget, size ${i}, blue`, quantity: i + 1, unitPrice: '19.99' }));
  return { orderId: 'ORD-2026-000123', customer: { id: 'CUST-42', name: 'Acme Manufacturing GmbH', email: 'purchasing@acme.example' }, currency: 'EUR', lines, note: 'Deliver to loading dock B' };
}

const data = payloadOfAboutOneKiB();
const envelope = createEnvelope({ type: 'com.acme.order.placed', source: '/erp/orders', subject: 'ORD-2026-000123', data, partitionKey: 'CUST-42', correlationId: 'flow-1' });
const size = encodeEnvelope(envelope).byteLength;
const rawObject = { ...envelope };
const sdkEvent = new CloudEvent({ type: envelope.type, source: envelope.source, subject: 'ORD-2026-000123', id: envelope.id, time: envelope.time, datacontenttype: 'application/json', partitionkey: 'CUST-42', correlationid: 'flow-1', schemaversion: '1', data });

let sink: unknown;
const results = await measureMicro(`envelope encode+decode+validate, ${size} B`, [
  { name: 'raw JSON.stringify + JSON.parse (floor)', role: 'floor', fn: () => { sink = JSON.parse(JSON.stringify(rawObject)); } },
  { name: '@iap/core encodeEnvelope + decodeEnvelope', role: 'ours', fn: () => { sink = decodeEnvelope(encodeEnvelope(envelope)); } },
  { name: 'cloudevents SDK HTTP.structured + HTTP.toEvent', role: 'peer', fn: () => { sink = HTTP.toEvent(HTTP.structured(sdkEvent)); } },
]);
void sink;
reportResults('@iap/core', results, [`payload ${size} bytes of UTF-8 CloudEvents JSON; Node ${process.version}`]);
