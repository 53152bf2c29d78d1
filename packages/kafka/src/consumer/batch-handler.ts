import { ErrorCode, IapError, toIapError } from '@iap/core';
import { previousOffset } from '../internal/offset-tracker.js';
import type { ConsumerBatch } from '../transport.js';
import type { ConsumerRuntime } from './consumer-runtime.js';
import type { BatchScope } from './delivery-context.js';
import type { BatchResult, DispatchBatch } from './dispatch-lanes.js';
import type { PartitionControl } from './partition-control.js';
import type { Route } from './topic-routes.js';
import { KafkaBrokerError } from '../kafka-errors.js';

/** What the batch handler hands batches on to. */
export interface BatchHandlerParts {
  readonly routes: ReadonlyMap<string, Route>;
  readonly partitions: PartitionControl;
  readonly dispatch: DispatchBatch;
}

/**
 * Makes the consumer's `eachBatch`: skips batches of a paused partition (fetched before the pause),
 * dispatches the records, pauses the partition where a record asked for it, commits what is done
 * and reports the lag. Never rejects: a failure is reported as the `error` event.
 */
export function createBatchHandler(runtime: ConsumerRuntime, parts: BatchHandlerParts): (batch: ConsumerBatch) => Promise<void> {
  const { telemetry } = runtime.config;
  const { events } = runtime;
  const { routes, partitions, dispatch } = parts;

  const commit = async (batch: ConsumerBatch, offset: string): Promise<void> => {
    try {
      await batch.commit(offset);
    } catch (error) {
      runtime.emitError(
        new KafkaBrokerError(`committing offset ${offset} of ${batch.topic}[${batch.partition}] failed; records after the last commit will be redelivered and deduplicated: ${toIapError(error).message}`, {
          cause: error,
          retryable: true,
          operation: 'commit',
          details: { topic: batch.topic, partition: batch.partition, offset },
        }),
      );
    }
  };

  return async (batch) => {
    const route = routes.get(batch.topic);
    if (route === undefined || runtime.isClosing() || batch.messages.length === 0 || batch.isStale()) return;
    const state = partitions.state(batch.topic, batch.partition);
    if (state.resumeTimer !== undefined) return; // paused: a batch fetched before the pause
    const scope: BatchScope = { batch, route, attributes: { topic: batch.topic, partition: batch.partition } };
    let result: BatchResult;
    try {
      result = await dispatch(scope, state);
    } catch (error) {
      runtime.emitError(new IapError(ErrorCode.UNKNOWN, `processing a batch of ${batch.topic}[${batch.partition}] failed unexpectedly: ${toIapError(error).message}`, { cause: error }));
      return;
    }
    if (result.commit !== undefined) batch.resolveOffset(previousOffset(result.commit));
    if (result.pause !== undefined) partitions.pause(batch, state, result.pause);
    if (result.commit === undefined) return;
    await commit(batch, result.commit);
    partitions.committed(state, result.commit);
    if (telemetry.gauge !== undefined || events.has('lag')) {
      const lag = Math.max(0, Number(batch.highWatermark) - Number(result.commit));
      telemetry.gauge?.('iap.kafka.consumer.lag', lag, scope.attributes);
      events.emit('lag', { topic: batch.topic, partition: batch.partition, lag });
    }
  };
}
