import type { TimerHandle } from '@iap/core';
import type { ConsumerBatch } from '../transport.js';
import type { ConsumerRuntime } from './consumer-runtime.js';
import type { PauseReason } from './delivery-context.js';

/** What the consumer remembers about one partition it owns, across batches. */
export interface PartitionState {
  /** Set while the partition is paused; batches fetched before the pause are skipped. */
  resumeTimer: TimerHandle | undefined;
  /** Offsets processed beyond the last commit point before a pause (skipped when fetched again). */
  readonly completedAhead: Set<string>;
  /** Block mode: failed attempts per offset. */
  readonly blockedAttempts: Map<string, number>;
}

/** Where and for how long a partition pauses. */
export interface PauseRequest {
  /** The offset to resume at. */
  readonly offset: string;
  readonly delayMs: number;
  readonly reason: PauseReason;
}

/** Pausing and resuming partitions, and the memory kept per partition. */
export interface PartitionControl {
  /** The state of a partition, made on first use. */
  readonly state: (topic: string, partition: number) => PartitionState;
  /** Seeks the partition back to `request.offset`, pauses it and resumes it after `request.delayMs`. */
  readonly pause: (batch: ConsumerBatch, state: PartitionState, request: PauseRequest) => void;
  /** Block mode: counts one more failed attempt of the record at `offset`; returns the count. */
  readonly countBlockedFailure: (topic: string, partition: number, offset: string) => number;
  /** After a commit up to `committed` (the next offset): forgets the blocked attempts of records before it. */
  readonly committed: (state: PartitionState, committed: string) => void;
  /** Forgets per-partition memory of partitions this member no longer owns. */
  readonly onAssigned: (assignment: Readonly<Record<string, readonly number[]>>) => void;
  /** Cancels every pending resume (the consumer closes). */
  readonly cancelResumes: () => void;
}

/** Makes the consumer's partition control. */
export function createPartitionControl(runtime: ConsumerRuntime): PartitionControl {
  const { clock } = runtime.config;
  const partitions = new Map<string, PartitionState>();

  const state = (topic: string, partition: number): PartitionState => {
    const id = `${topic}\u0000${partition}`;
    let found = partitions.get(id);
    if (found === undefined) {
      found = { resumeTimer: undefined, completedAhead: new Set(), blockedAttempts: new Map() };
      partitions.set(id, found);
    }
    return found;
  };

  return {
    state,
    pause(batch, partitionState, { offset, delayMs, reason }) {
      const { topic, partition } = batch;
      const member = runtime.member();
      if (member === undefined) return; // re-joining: the new member starts from the last commit
      member.seek(topic, partition, offset);
      member.pause(topic, partition);
      if (partitionState.resumeTimer !== undefined) clock.clearTimeout(partitionState.resumeTimer);
      partitionState.resumeTimer = clock.setTimeout(() => {
        partitionState.resumeTimer = undefined;
        if (!runtime.isClosing()) runtime.member()?.resume(topic, partition);
      }, delayMs);
      runtime.events.emit('paused', { topic, partition, offset, delayMs, reason });
    },
    countBlockedFailure(topic, partition, offset) {
      const { blockedAttempts } = state(topic, partition);
      const failures = (blockedAttempts.get(offset) ?? 0) + 1;
      blockedAttempts.set(offset, failures);
      return failures;
    },
    committed(partitionState, committed) {
      if (partitionState.blockedAttempts.size === 0) return;
      const next = Number(committed);
      for (const offset of partitionState.blockedAttempts.keys()) if (Number(offset) < next) partitionState.blockedAttempts.delete(offset);
    },
    onAssigned(assignment) {
      for (const [id, partitionState] of partitions) {
        const [topic, partition] = id.split('\u0000') as [string, string];
        if (!(assignment[topic] ?? []).includes(Number(partition))) {
          partitionState.completedAhead.clear();
          partitionState.blockedAttempts.clear();
        }
      }
    },
    cancelResumes() {
      for (const partitionState of partitions.values()) {
        if (partitionState.resumeTimer !== undefined) clock.clearTimeout(partitionState.resumeTimer);
        partitionState.resumeTimer = undefined;
      }
    },
  };
}
