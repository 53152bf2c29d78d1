// Exits 0 when the Kafka broker at argv[2] answers a metadata request through kafkajs, 1 otherwise.
// Used by scripts/kafka.sh while waiting for a freshly started broker.
import { Kafka, logLevel } from 'kafkajs';

const broker = process.argv[2] ?? '127.0.0.1:9092';
const kafka = new Kafka({
  clientId: 'iap-kafka-ready',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 3000,
  retry: { retries: 0 },
});
const admin = kafka.admin();
try {
  await admin.connect();
  await admin.fetchTopicMetadata({ topics: [] });
  await admin.disconnect();
  process.exit(0);
} catch {
  await admin.disconnect().catch(() => {});
  process.exit(1);
}
