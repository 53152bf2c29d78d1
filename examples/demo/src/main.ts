/**
 * The @iap demo: one order story end to end, printed as it happens.
 *
 *   pnpm demo                                  embedded defaults: PGlite + in-process transport
 *   DATABASE_URL=postgres://... pnpm demo      real PostgreSQL for outbox, inbox and sagas
 *   KAFKA_BROKERS=127.0.0.1:9092 pnpm demo     real Apache Kafka between relay and consumer
 */
import { runCdcChapter } from './chapters/cdc-chapter.js';
import { runCoreChapter } from './chapters/core-chapter.js';
import { runMessagingChapter } from './chapters/messaging-chapter.js';
import { runResilienceChapter } from './chapters/resilience-chapter.js';
import { runSagaChapter } from './chapters/saga-chapter.js';
import { runSyncChapter } from './chapters/sync-chapter.js';
import { runWebhookChapter } from './chapters/webhook-chapter.js';
import { createDemoEnvironment } from './environment.js';
import { printSummary, say, heading, type ChapterResult } from './print.js';

const started = performance.now();
const env = await createDemoEnvironment();
heading('@iap demo');
say(`running on: ${env.description}`);
const results: ChapterResult[] = [];
try {
  results.push(await runCoreChapter());
  const webhooks = await runWebhookChapter();
  results.push(webhooks);
  results.push(await runSagaChapter(env, webhooks.payments));
  const messaging = await runMessagingChapter(env);
  results.push(messaging);
  results.push(await runResilienceChapter(messaging.invoices));
  const cdc = runCdcChapter();
  results.push(cdc);
  results.push(runSyncChapter(cdc.events));
} finally {
  await env.close();
}
printSummary(results);
say(`total ${(performance.now() - started).toFixed(0)} ms`);
