import { sleep, toIapError } from '@iap/core';
import type { ConsumerBatch } from '../transport.js';
import type { ConsumerRuntime } from './consumer-runtime.js';

/**
 * Sleeps `ms` on the clock in heartbeat-sized slices, heartbeating after each, so the group keeps
 * the member while a record waits (retry backoff, a held claim, a failed forward). Resolves false
 * when the batch must stop: the consumer closes, a heartbeat fails (rebalance), or the batch is
 * no longer running or stale.
 */
export async function waitHeartbeating(runtime: ConsumerRuntime, batch: ConsumerBatch, ms: number): Promise<boolean> {
  const { clock, heartbeatIntervalMs, logger } = runtime.config;
  let remaining = ms;
  while (remaining > 0) {
    const slice = Math.min(remaining, heartbeatIntervalMs);
    try {
      await sleep(slice, { clock, signal: runtime.closeSignal });
    } catch {
      return false;
    }
    remaining -= slice;
    if (runtime.shouldStop(batch)) return false;
    try {
      await batch.heartbeat();
    } catch (error) {
      logger.info({ code: toIapError(error).code, topic: batch.topic, partition: batch.partition }, 'heartbeat failed during a retry wait (rebalance); the record will be fetched again');
      return false;
    }
  }
  return !runtime.shouldStop(batch);
}
