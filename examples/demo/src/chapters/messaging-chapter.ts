/**
 * Chapter: the relay publishes the outbox rows; the billing consumer applies each event exactly once
 * through the inbox, even though one event is delivered twice.
 */
import { createInbox, createOutbox, createRelay } from '@iap/messaging';
import type { Envelope } from '@iap/core';
import type { DemoEnvironment } from '../environment.js';
import { heading, say, type ChapterResult } from '../print.js';

export async function runMessagingChapter(env: DemoEnvironment): Promise<ChapterResult & { invoices: string[] }> {
  const started = performance.now();
  heading('Outbox relay → consumer with inbox: exactly-once effects');
  const outbox = createOutbox({ schema: env.schema });
  const inbox = createInbox({ schema: env.schema });
  const counts = { published: 0, applied: 0, duplicatesSkipped: 0 };
  const invoices: string[] = [];
  const seen: Array<{ id: string; envelope: Envelope }> = [];
  let expected = 2;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  await env.subscribe(async (messageId, envelope) => {
    seen.push({ id: messageId, envelope });
    const result = await env.db.transaction((tx) =>
      inbox.handle(tx, { consumer: 'billing', messageId }, async (tx) => {
        if (envelope.type === 'com.acme.order.confirmed') {
          const data = envelope.data as { orderId: string; amountCents: number };
          await tx.query(`INSERT INTO ${env.schema}.invoices (order_id, amount_cents) VALUES ($1, $2)`, [data.orderId, data.amountCents]);
          invoices.push(data.orderId);
        }
        return envelope.type;
      }),
    );
    if (result.status === 'processed') {
      counts.applied++;
      say(`billing applied ${result.value} for ${envelope.subject ?? '?'} (message ${messageId.slice(0, 13)}…)`);
    } else {
      counts.duplicatesSkipped++;
      say(`billing got message ${messageId.slice(0, 13)}… again: inbox says ${result.status}, nothing applied twice`);
    }
    if (--expected === 0) resolveDone();
  });

  const relay = createRelay({ database: env.db, outbox, publisher: env.publisher });
  relay.on('batch', (e) => say(`relay claimed ${e.claimed} and published ${e.published} message(s) in ${e.durationMs.toFixed(1)} ms (lease + fencing token, no transaction open during publish)`));
  relay.start();
  await done;
  counts.published = seen.length;

  // The broker redelivers the first event (as after a consumer crash before its commit).
  const first = seen[0]!;
  expected = 1;
  const redelivered = new Promise<void>((resolve) => (resolveDone = resolve));
  const [result] = await env.publisher.publish([{ id: first.id, destination: env.ordersTopic, partitionKey: first.envelope.partitionKey, headers: {}, envelope: first.envelope }]);
  if (!result?.ok) throw new Error('redelivery publish failed');
  await redelivered;
  await relay.stop();

  const rows = await env.db.query(`SELECT count(*)::text AS n FROM ${env.schema}.invoices`);
  say(`invoices in the database: ${String((rows.rows[0] as { n?: string } | undefined)?.n)} (one per confirmed order)`);
  return { chapter: 'relay + inbox', counts, durationMs: performance.now() - started, invoices };
}
