/**
 * How @iap/kafka reads a kafkajs failure: whose fault it is, and whether the idempotent producer's
 * state survived it. kafkajs's own `retriable` flag is not used for this: kafkajs wraps a
 * connection failure in `KafkaJSNonRetriableError` once its retrier gives up (e.g. `connect
 * ECONNREFUSED` while a broker restarts), and the idempotent producer's sequence errors are
 * `retriable: false` although a new producer heals them.
 */

/** Whose fault a failure is. */
export type KafkaFailureKind =
  /** The record or request itself (too large, invalid record or topic name): sending it again fails again. */
  | 'message'
  /** The client's setup (authorization, SASL, unsupported settings): an operator has to act. */
  | 'configuration'
  /** Broker or network: connection loss, timeouts, leadership changes, throttling, producer state. */
  | 'transport';

/** The classification of one failure. */
export interface KafkaFailureClass {
  readonly kind: KafkaFailureKind;
  /** The broker's error name of the innermost Kafka protocol error, e.g. `MESSAGE_TOO_LARGE`. */
  readonly type: string | undefined;
  /** The innermost error's class name, e.g. `KafkaJSConnectionError`. */
  readonly name: string | undefined;
  /** The innermost error's message. */
  readonly message: string;
  /** The producer's idempotence state is gone or suspect: create a new producer before sending again. */
  readonly producerStateLost: boolean;
}

/** Broker errors caused by the records of the request. */
const MESSAGE_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TOPIC_EXCEPTION', 'INVALID_TIMESTAMP', 'UNSUPPORTED_FOR_MESSAGE_FORMAT']);

/** Broker errors that need an operator: permissions, authentication, settings the broker refuses. */
const CONFIGURATION_ERRORS = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'INVALID_REQUIRED_ACKS',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'POLICY_VIOLATION',
]);

/** Errors of the idempotent producer whose sequence or epoch no longer matches the broker's. */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING', 'PRODUCER_FENCED', 'DUPLICATE_SEQUENCE_NUMBER']);

/** kafkajs wrappers that carry the failure that caused them in `cause`. */
const WRAPPERS = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function asShape(value: unknown): ErrorShape | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

function kindOf(error: ErrorShape): KafkaFailureKind {
  const name = typeof error.name === 'string' ? error.name : '';
  const type = typeof error.type === 'string' ? error.type : undefined;
  if (type !== undefined && MESSAGE_ERRORS.has(type)) return 'message';
  if (type !== undefined && CONFIGURATION_ERRORS.has(type)) return 'configuration';
  if (name === 'KafkaJSSASLAuthenticationError') return 'configuration';
  // kafkajs's own argument checks ("Invalid topic", "Invalid message without value") have no cause
  if (name === 'KafkaJSNonRetriableError') return 'message';
  if (name.startsWith('KafkaJS')) return 'transport';
  // not a kafkajs error: a bad argument (e.g. a value that is not a Buffer)
  return 'message';
}

const SEVERITY: Readonly<Record<KafkaFailureKind, number>> = { transport: 0, configuration: 1, message: 2 };

/**
 * Classifies anything kafkajs throws. Looks through `KafkaJSNumberOfRetriesExceeded` and
 * `KafkaJSNonRetriableError` to the failure they wrap, and through aggregate errors (`errors`) to
 * the most severe of their members (message over configuration over transport).
 */
export function classifyKafkaJsError(error: unknown): KafkaFailureClass {
  let current = asShape(error);
  let wrapped = false;
  for (let depth = 0; depth < 8 && current !== undefined; depth++) {
    if (typeof current.name === 'string' && WRAPPERS.has(current.name) && asShape(current.cause) !== undefined && current.cause !== current) {
      wrapped = true;
      current = asShape(current.cause);
      continue;
    }
    if (Array.isArray(current.errors) && current.errors.length > 0) {
      const members = current.errors.map((member: unknown) => classifyKafkaJsError(member));
      const worst = members.reduce((a, b) => (SEVERITY[b.kind] > SEVERITY[a.kind] ? b : a));
      return { ...worst, producerStateLost: wrapped || members.some((m) => m.producerStateLost) };
    }
    break;
  }
  const innermost = current ?? {};
  const type = typeof innermost.type === 'string' ? innermost.type : undefined;
  const name = typeof innermost.name === 'string' ? innermost.name : undefined;
  const message = typeof innermost.message === 'string' ? innermost.message : error instanceof Error ? error.message : 'unknown error';
  const kind = current === undefined ? 'message' : kindOf(innermost);
  const stateError = type !== undefined && PRODUCER_STATE_ERRORS.has(type);
  return { kind, type, name, message, producerStateLost: stateError || (wrapped && kind === 'transport') };
}
