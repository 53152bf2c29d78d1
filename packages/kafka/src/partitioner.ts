import { partitionForKey } from './murmur2.js';

/**
 * What a {@link Partitioner} is told about a record.
 *
 * @example
 * ```ts
 * const partition = partitioner({ topic: 'orders', partitionCount: 12, key: Buffer.from('o-1') });
 * ```
 */
export interface PartitionerInput {
  readonly topic: string;
  /** Number of partitions of `topic` (from the producer's metadata). */
  readonly partitionCount: number;
  /** Record key bytes, or null for a keyless record. */
  readonly key: Buffer | null;
}

/**
 * Chooses the partition of a record that does not name one.
 *
 * @example
 * ```ts
 * const byTenant: Partitioner = ({ partitionCount, key }) => (key === null ? 0 : partitionForKey(key.subarray(0, 8), partitionCount));
 * ```
 */
export type Partitioner = (input: PartitionerInput) => number;

/**
 * The default partitioner: keyed records go where the Java producer puts them
 * (`toPositive(murmur2(key)) % partitions`), so services in Java and TypeScript agree on the
 * partition of a key. Keyless records are spread round-robin per topic.
 *
 * @example
 * ```ts
 * const partition = createJavaCompatiblePartitioner()({ topic: 'orders', partitionCount: 6, key: Buffer.from('o-1') });
 * ```
 */
export function createJavaCompatiblePartitioner(): Partitioner {
  const counters = new Map<string, number>();
  return ({ topic, partitionCount, key }) => {
    if (key !== null) return partitionForKey(key, partitionCount);
    const next = counters.get(topic) ?? 0;
    counters.set(topic, (next + 1) % 0x7fffffff);
    return next % partitionCount;
  };
}
