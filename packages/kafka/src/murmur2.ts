const SEED = 0x9747b28c | 0;
const M = 0x5bd1e995;
const encoder = new TextEncoder();

/**
 * Kafka's murmur2 hash, bit for bit as the Java client computes it (`Utils.murmur2`): a signed
 * 32-bit result. Strings are hashed as their UTF-8 bytes, as Java's `StringSerializer` writes them.
 *
 * @example
 * ```ts
 * murmur2('21'); // -973932308, the value in Kafka's own UtilsTest
 * ```
 */
export function murmur2(key: Uint8Array | string): number {
  const data = typeof key === 'string' ? encoder.encode(key) : key;
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition the Java producer's default partitioner picks for a keyed record:
 * `toPositive(murmur2(key)) % partitionCount`, where `toPositive(n) = n & 0x7fffffff`.
 *
 * @throws RangeError when `partitionCount` is not a positive integer.
 * @example
 * ```ts
 * partitionForKey('order-42', 12); // same partition as a Java producer
 * ```
 */
export function partitionForKey(key: Uint8Array | string, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount <= 0) {
    throw new RangeError(`partitionCount must be a positive integer (got ${String(partitionCount)})`);
  }
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}
