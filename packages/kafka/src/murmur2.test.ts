import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from './murmur2.js';
import { createJavaCompatiblePartitioner } from './partitioner.js';

// Apache Kafka's own vectors: clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java (testMurmur2).
const JAVA_VECTORS: Array<[string | Uint8Array, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  [new Uint8Array([0x61, 0x62, 0x63]), 479470107],
];

function kafkajsPartition(key: Buffer, partitionCount: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
  return partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
}

describe('murmur2', () => {
  it.each(JAVA_VECTORS)('matches the Java client for %s', (key, expected) => {
    expect(murmur2(key)).toBe(expected);
  });

  it('hashes strings as UTF-8, like Java getBytes(UTF_8)', () => {
    expect(murmur2('zürich')).toBe(murmur2(Buffer.from('zürich', 'utf8')));
  });

  it('derives partitions as toPositive(murmur2) % n', () => {
    // -973932308 & 0x7fffffff = 1173551340; 1173551340 % 12 = 0
    expect(partitionForKey('21', 12)).toBe(1173551340 % 12);
    expect(partitionForKey('foobar', 7)).toBe((-790332482 & 0x7fffffff) % 7);
  });

  it('agrees with kafkajs DefaultPartitioner (Java-compatible) on random keys and partition counts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 200 }), (bytes, count) => {
        const key = Buffer.from(bytes);
        expect(partitionForKey(key, count)).toBe(kafkajsPartition(key, count));
      }),
      { seed: 20260131, numRuns: 500 },
    );
  });

  it('rejects a partition count that is not a positive integer', () => {
    expect(() => partitionForKey('k', 0)).toThrow(RangeError);
    expect(() => partitionForKey('k', 1.5)).toThrow(RangeError);
  });
});

describe('createJavaCompatiblePartitioner', () => {
  it('places keyed records by murmur2 and spreads keyless records round-robin per topic', () => {
    const partitioner = createJavaCompatiblePartitioner();
    expect(partitioner({ topic: 'a', partitionCount: 12, key: Buffer.from('21') })).toBe(partitionForKey('21', 12));
    const keyless = [0, 1, 2, 3].map(() => partitioner({ topic: 'a', partitionCount: 3, key: null }));
    expect(keyless).toEqual([0, 1, 2, 0]);
    expect(partitioner({ topic: 'b', partitionCount: 3, key: null })).toBe(0);
  });
});
