/**
 * A raw Kafka Metadata request (v4) over one TCP connection, for readiness checks that must reach one
 * exact listener. A client library (kafkajs) follows the broker addresses the metadata advertises, so
 * it would probe through a fault proxy in front of the broker; this probe never leaves the address it
 * is given.
 */
import net from 'node:net';

/** What one broker answered to a Metadata request for all topics. */
export interface KafkaMetadata {
  readonly brokers: ReadonlyArray<{ readonly nodeId: number; readonly host: string; readonly port: number }>;
  readonly controllerId: number;
  readonly topics: ReadonlyArray<{
    readonly name: string;
    readonly errorCode: number;
    readonly partitions: ReadonlyArray<{ readonly partition: number; readonly errorCode: number; readonly leader: number }>;
  }>;
}

const METADATA_API_KEY = 3;
const METADATA_VERSION = 4;

function encodeRequest(correlationId: number): Buffer {
  const clientId = Buffer.from('iap-kafka-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let at = 0;
  at = body.writeInt16BE(METADATA_API_KEY, at);
  at = body.writeInt16BE(METADATA_VERSION, at);
  at = body.writeInt32BE(correlationId, at);
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  at = body.writeInt32BE(-1, at); // topics: null = all topics
  body.writeInt8(0, at); // allow_auto_topic_creation: false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** A cursor over a response body. */
class Reader {
  private at = 0;
  constructor(private readonly buffer: Buffer) {}
  int8(): number {
    const value = this.buffer.readInt8(this.at);
    this.at += 1;
    return value;
  }
  int16(): number {
    const value = this.buffer.readInt16BE(this.at);
    this.at += 2;
    return value;
  }
  int32(): number {
    const value = this.buffer.readInt32BE(this.at);
    this.at += 4;
    return value;
  }
  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const value = this.buffer.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }
  array<T>(item: () => T): T[] {
    const count = this.int32();
    return Array.from({ length: Math.max(0, count) }, item);
  }
}

function decodeResponse(body: Buffer, correlationId: number): KafkaMetadata {
  const r = new Reader(body);
  if (r.int32() !== correlationId) throw new Error('[iap] kafka probe: response has the wrong correlation id');
  r.int32(); // throttle_time_ms
  const brokers = r.array(() => {
    const nodeId = r.int32();
    const host = r.string() ?? '';
    const port = r.int32();
    r.string(); // rack
    return { nodeId, host, port };
  });
  r.string(); // cluster_id
  const controllerId = r.int32();
  const topics = r.array(() => {
    const errorCode = r.int16();
    const name = r.string() ?? '';
    r.int8(); // is_internal
    const partitions = r.array(() => {
      const partitionError = r.int16();
      const partition = r.int32();
      const leader = r.int32();
      r.array(() => r.int32()); // replicas
      r.array(() => r.int32()); // isr
      return { partition, errorCode: partitionError, leader };
    });
    return { name, errorCode, partitions };
  });
  return { brokers, controllerId, topics };
}

/**
 * Sends one Metadata request to `host:port` and returns the decoded answer.
 * @example
 * const metadata = await fetchKafkaMetadata('127.0.0.1', 9092);
 * @throws Error when the connection fails, closes early or does not answer within `timeoutMs`.
 */
export function fetchKafkaMetadata(host: string, port: number, timeoutMs = 3000): Promise<KafkaMetadata> {
  const correlationId = 1;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const finish = (error: Error | undefined, metadata?: KafkaMetadata): void => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      if (error) reject(error);
      else resolve(metadata!);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`[iap] kafka probe: ${host}:${port} did not answer in ${timeoutMs} ms`)));
    socket.once('error', (error) => finish(error));
    socket.once('close', () => finish(new Error(`[iap] kafka probe: ${host}:${port} closed the connection`)));
    socket.once('connect', () => socket.write(encodeRequest(correlationId)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      if (received.length < 4 + size) return;
      try {
        finish(undefined, decodeResponse(received.subarray(4, 4 + size), correlationId));
      } catch (error) {
        finish(error as Error);
      }
    });
  });
}

/**
 * True when the broker at `host:port` answers metadata, lists itself, and every partition it knows
 * has a leader: a producer or consumer started now finds what it needs.
 * @example
 * if (await kafkaAnswersMetadata('127.0.0.1', 9092)) console.log('ready');
 */
export async function kafkaAnswersMetadata(host: string, port: number, timeoutMs = 3000): Promise<boolean> {
  try {
    const metadata = await fetchKafkaMetadata(host, port, timeoutMs);
    return (
      metadata.brokers.length > 0 &&
      metadata.topics.every((t) => t.errorCode === 0 && t.partitions.every((p) => p.errorCode === 0 && p.leader >= 0))
    );
  } catch {
    return false;
  }
}
