/**
 * The relay's options: what a user passes to `createRelay`, their defaults and validation.
 */
import {
  ErrorCode,
  IapError,
  createRetryPolicy,
  noopLogger,
  rejectUnknownOptions,
  RETRY_POLICY_OPTION_NAMES,
  noopTelemetry,
  systemClock,
  type Clock,
  type Logger,
  type Publisher,
  type RandomSource,
  type RetryPolicy,
  type RetryPolicyOptions,
  type Telemetry,
} from '@iap/core';
import type { MessagingDatabase } from './executor.js';
import { outboxInternals, type OutboxInternals } from './internal/outbox-internals.js';
import type { Outbox } from './outbox.js';

/**
 * Options for {@link createRelay}.
 * @example
 * ```ts
 * const options: RelayOptions = { database: db, outbox, publisher, batchSize: 500, retry: { maxAttempts: 8 } };
 * const relay = createRelay(options);
 * ```
 */
export interface RelayOptions {
  /** Where the outbox table lives; the relay issues its own short statements (never inside your transactions). */
  database: MessagingDatabase;
  /** The outbox whose messages this relay publishes (same tables, same in-process wake-ups). */
  outbox: Outbox;
  /** Any core `Publisher` (Kafka, the in-process transport, your own). The relay never closes it. */
  publisher: Publisher;
  /** Most messages claimed per round (1-10,000). At most one message per partition key is in flight. @defaultValue `100` */
  batchSize?: number;
  /**
   * Batches a started relay keeps in flight at once (1-16): while one is being published, the next
   * is claimed, so database and broker round trips overlap. Batches never share a partition key.
   * @defaultValue `2`
   */
  maxBatchesInFlight?: number;
  /**
   * How long a claim is valid. The relay renews it every third of this while a publish runs; if the
   * relay dies, its messages are claimed again once it expires. @defaultValue `30_000`
   */
  leaseMs?: number;
  /**
   * Longest wait for the publisher; then the publish is aborted and its messages count as failed
   * (retryable). @defaultValue `60_000`
   */
  publishTimeoutMs?: number;
  /**
   * Retry schedule of a message whose publish failed for a retryable reason (broker or network
   * down, timeouts, the producer's state lost): its key waits meanwhile, other keys flow. The
   * options given are merged over the defaults. By default such a message is retried for as long as
   * it takes, never dead-lettered for the broker's sake (order first); a `maxAttempts` you set
   * dead-letters it after that many attempts, which unblocks its key: later messages of the key are
   * then published before it. A failure caused by the message itself (publisher result
   * `retryable: false`) is dead-lettered at once.
   * @defaultValue `{ maxAttempts: Number.MAX_SAFE_INTEGER (never give up), backoff: { kind: 'exponential', initialDelayMs: 1000, multiplier: 2 }, maxDelayMs: 300_000, jitter: 'full' }`
   */
  retry?: RetryPolicyOptions;
  /**
   * When a message's last this-many claims all ended without an outcome (the relay holding it
   * crashed or hung each time, so its lease expired), the next claim dead-letters it as a crash loop
   * instead of publishing it again. Graceful stops release claims and do not count.
   * @defaultValue `5`
   */
  crashLoopThreshold?: number;
  /** Identifies this relay in its leases' `claimed_by` column and in logs. @defaultValue `relay-<pid>-<random>` */
  relayId?: string;
  /** Wake up on PostgreSQL NOTIFY from enqueues in other processes (when the database supports it). @defaultValue `true` */
  listen?: boolean;
  /**
   * Keep the Node process alive between `start()` and `stop()`. The relay's timers are unref'd, so
   * without this a process that only runs a relay would exit (code 0) during a database outage,
   * when no connection is left open. Set `false` when something else owns the process's lifetime.
   * @defaultValue `true`
   */
  keepProcessAlive?: boolean;
  /** First backup-poll delay after an empty round; doubles while idle. @defaultValue `100` */
  minPollIntervalMs?: number;
  /** Longest backup-poll delay; correctness never depends on a notification arriving. @defaultValue `2_000` */
  maxPollIntervalMs?: number;
  /** How often outbox statistics are reported (gauges and the `stats` event); `0` turns it off. @defaultValue `10_000` */
  metricsIntervalMs?: number;
  /** How often published rows past `keepPublishedForMs` are purged (only when the outbox keeps them). @defaultValue `60_000` */
  cleanupIntervalMs?: number;
  /** @defaultValue `systemClock` */
  clock?: Clock;
  /** Randomness for retry jitter. @defaultValue `Math.random` */
  random?: RandomSource;
  /** Metrics hooks (counters, histograms, gauges). @defaultValue `noopTelemetry` */
  telemetry?: Telemetry;
  /** @defaultValue `noopLogger` */
  logger?: Logger;
}

/** Options with every default applied. */
export interface ResolvedRelayOptions {
  readonly database: MessagingDatabase;
  readonly outbox: OutboxInternals;
  readonly publisher: Publisher;
  readonly batchSize: number;
  readonly maxBatchesInFlight: number;
  readonly leaseMs: number;
  readonly publishTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly crashLoopThreshold: number;
  readonly relayId: string;
  readonly listen: boolean;
  readonly minPollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly metricsIntervalMs: number;
  readonly cleanupIntervalMs: number;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly telemetry: Telemetry;
  readonly logger: Logger;
  readonly keepProcessAlive: boolean;
}

const RELAY_OPTION_KEYS: Record<keyof RelayOptions, true> = {
  database: true,
  outbox: true,
  publisher: true,
  batchSize: true,
  maxBatchesInFlight: true,
  leaseMs: true,
  publishTimeoutMs: true,
  retry: true,
  crashLoopThreshold: true,
  relayId: true,
  listen: true,
  keepProcessAlive: true,
  minPollIntervalMs: true,
  maxPollIntervalMs: true,
  metricsIntervalMs: true,
  cleanupIntervalMs: true,
  clock: true,
  random: true,
  telemetry: true,
  logger: true,
};
const RELAY_OPTION_NAMES = Object.keys(RELAY_OPTION_KEYS);

function invalid(message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `invalid relay options: ${message}`);
}

function integerOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

function defaultRelayId(): string {
  const pid = typeof process === 'object' && typeof process.pid === 'number' ? process.pid : 0;
  return `relay-${pid}-${Math.random().toString(36).slice(2, 10)}`;
}

const DEFAULT_RETRY: RetryPolicyOptions = { maxAttempts: Number.MAX_SAFE_INTEGER, backoff: { kind: 'exponential', initialDelayMs: 1000, multiplier: 2 }, maxDelayMs: 300_000, jitter: 'full' };

/** Validates options and applies defaults. @throws IapError `INVALID_OPTIONS` naming the bad option. */
export function resolveRelayOptions(options: RelayOptions): ResolvedRelayOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  rejectUnknownOptions(options, RELAY_OPTION_NAMES, 'invalid relay options');
  const { database, publisher } = options;
  if (typeof database !== 'object' || database === null || typeof database.query !== 'function' || typeof database.transaction !== 'function') {
    throw invalid('database must be a MessagingDatabase (createPostgresDatabase or createPgliteDatabase)');
  }
  if (typeof publisher !== 'object' || publisher === null || typeof publisher.publish !== 'function') throw invalid('publisher must implement Publisher.publish');
  const outbox = outboxInternals(options.outbox);
  if (!outbox) throw invalid('outbox must be created by createOutbox');
  const leaseMs = integerOption('leaseMs', options.leaseMs ?? 30_000, 100, 3_600_000);
  const minPollIntervalMs = integerOption('minPollIntervalMs', options.minPollIntervalMs ?? 100, 1, 3_600_000);
  const maxPollIntervalMs = integerOption('maxPollIntervalMs', options.maxPollIntervalMs ?? 2_000, minPollIntervalMs, 3_600_000);
  const relayId = options.relayId ?? defaultRelayId();
  if (typeof relayId !== 'string' || relayId.length === 0 || relayId.length > 200) throw invalid('relayId must be a non-empty string of at most 200 characters');
  const listen = options.listen ?? true;
  if (typeof listen !== 'boolean') throw invalid('listen must be a boolean');
  const keepProcessAlive = options.keepProcessAlive ?? true;
  if (typeof keepProcessAlive !== 'boolean') throw invalid('keepProcessAlive must be a boolean');
  return {
    database,
    outbox,
    publisher,
    batchSize: integerOption('batchSize', options.batchSize ?? 100, 1, 10_000),
    maxBatchesInFlight: integerOption('maxBatchesInFlight', options.maxBatchesInFlight ?? 2, 1, 16),
    leaseMs,
    publishTimeoutMs: integerOption('publishTimeoutMs', options.publishTimeoutMs ?? 60_000, 1, 3_600_000),
    retry: createRetryPolicy(options.retry === undefined ? DEFAULT_RETRY : mergeRetry(options.retry)),
    crashLoopThreshold: integerOption('crashLoopThreshold', options.crashLoopThreshold ?? 5, 1, 1000),
    relayId,
    listen,
    keepProcessAlive,
    minPollIntervalMs,
    maxPollIntervalMs,
    metricsIntervalMs: integerOption('metricsIntervalMs', options.metricsIntervalMs ?? 10_000, 0, 86_400_000),
    cleanupIntervalMs: integerOption('cleanupIntervalMs', options.cleanupIntervalMs ?? 60_000, 1, 86_400_000),
    clock: checkedClock(options.clock),
    random: checkedRandom(options.random),
    telemetry: options.telemetry ?? noopTelemetry,
    logger: checkedLogger(options.logger),
  };
}

function mergeRetry(retry: RetryPolicyOptions): RetryPolicyOptions {
  if (typeof retry !== 'object' || retry === null) throw invalid('retry must be an object of retry policy options');
  rejectUnknownOptions(retry, RETRY_POLICY_OPTION_NAMES, 'invalid relay options: retry');
  return { ...DEFAULT_RETRY, ...retry };
}

function checkedClock(clock: Clock | undefined): Clock {
  if (clock === undefined) return systemClock;
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw invalid('clock must be a Clock with now(), setTimeout() and clearTimeout() (e.g. systemClock or a ManualClock)');
  }
  return clock;
}

function checkedRandom(random: RandomSource | undefined): RandomSource {
  if (random === undefined) return Math.random;
  if (typeof random !== 'function') throw invalid('random must be a function returning a number in [0, 1), e.g. Math.random or seededRandom(1)');
  return random;
}

function checkedLogger(logger: Logger | undefined): Logger {
  if (logger === undefined) return noopLogger;
  const methods = ['debug', 'info', 'warn', 'error'] as const;
  if (typeof logger !== 'object' || logger === null || methods.some((m) => typeof logger[m] !== 'function')) {
    throw invalid('logger must be a Logger with debug(), info(), warn() and error() (e.g. console or a pino logger)');
  }
  return logger;
}
