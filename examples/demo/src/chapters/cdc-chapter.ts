/**
 * Chapter: the CRM's Debezium change stream becomes typed, lossless change events with honest
 * per-field diffs (a key-only before image says "unknown", not "changed").
 */
import { changedFields, parseChanges, type ChangeEvent } from '@iap/cdc';
import { crmCustomerChanges } from '../fixtures/crm-customer-changes.js';
import { heading, say, type ChapterResult } from '../print.js';

export function runCdcChapter(): ChapterResult & { events: ChangeEvent[] } {
  const started = performance.now();
  heading('CDC: a Debezium change stream becomes typed changes');
  const events: ChangeEvent[] = [];
  const counts: Record<string, number> = {};
  for (const record of crmCustomerChanges) {
    for (const event of parseChanges(record.value, { key: record.key, topic: 'crm.public.customers' })) {
      events.push(event);
      const label = event.kind === 'change' ? (event.operation ?? 'change') : event.kind;
      counts[label] = (counts[label] ?? 0) + 1;
      const id = JSON.stringify(event.key ?? {});
      if (event.kind !== 'change') {
        say(`${event.kind.padEnd(8)} ${id}: the key's last event; compaction may now drop it`);
        continue;
      }
      const diff = changedFields(event);
      const position = event.source.position && 'lsn' in event.source.position ? `lsn ${String(event.source.position.lsn)}` : 'position n/a';
      const parts = [
        `${String(event.operation).padEnd(8)} ${event.source.table ?? '?'} ${id}`,
        `${position}, tx ${String(event.source.transactionId ?? '-')}, event time ${event.eventTimeNs ?? event.eventTimeMs} ${event.eventTimeNs === null ? 'ms' : 'ns (bigint, exact)'}`,
      ];
      if (event.operation === 'update') parts.push(`changed: ${diff.changed.join(', ')}; keyChanged=${String(diff.keyChanged)}`);
      if (event.operation === 'delete') parts.push(`before image: ${event.beforeImage} (REPLICA IDENTITY DEFAULT: only the key is known)`);
      say(parts.join(' | '));
    }
  }
  return { chapter: 'cdc', counts, durationMs: performance.now() - started, events };
}
