/** PostgreSQL URL for integration tests: DATABASE_URL or the machine's default. */
export function postgresUrl(): string;
/** Kafka bootstrap brokers for integration tests: KAFKA_BROKERS (comma-separated) or 127.0.0.1:9092. */
export function kafkaBrokers(): string[];
/** True when PostgreSQL at postgresUrl() answers `SELECT 1`. */
export function probePostgres(): Promise<boolean>;
/** True when the first Kafka broker accepts TCP connections. */
export function probeKafka(): Promise<boolean>;
