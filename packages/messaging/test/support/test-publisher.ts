import { ErrorCode, IapError, type PublishMessage, type PublishOptions, type PublishResult, type Publisher } from '@iap/core';

/** How a test publisher treats a message. */
export interface FailureRule {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/**
 * A recording publisher for tests: records every message it confirms, in order; fails messages
 * whose partition key (or id) is in `failing`; waits on `gate` when set; throws when `unusable`.
 */
export class TestPublisher implements Publisher {
  readonly published: PublishMessage[] = [];
  readonly calls: PublishMessage[][] = [];
  readonly failing = new Map<string, FailureRule>();
  gate: Promise<void> | undefined;
  unusable = false;
  /** Signals seen by publish calls (to check aborts). */
  readonly signals: AbortSignal[] = [];

  async publish(messages: readonly PublishMessage[], options: PublishOptions = {}): Promise<PublishResult[]> {
    this.calls.push([...messages]);
    if (options.signal) this.signals.push(options.signal);
    if (this.unusable) throw new IapError(ErrorCode.CLOSED, 'test publisher is closed');
    if (this.gate) await this.gate;
    return messages.map((message): PublishResult => {
      const rule = this.failing.get(message.partitionKey ?? '') ?? this.failing.get(message.id);
      if (rule) {
        const error = new IapError(ErrorCode.PUBLISH_FAILED, `test failure for ${message.id}`, {
          retryable: rule.retryable,
          ...(rule.retryAfterMs === undefined ? {} : { retryAfterMs: rule.retryAfterMs }),
        });
        return { id: message.id, ok: false, error, retryable: rule.retryable };
      }
      this.published.push(message);
      return { id: message.id, ok: true };
    });
  }

  close(): Promise<void> {
    this.unusable = true;
    return Promise.resolve();
  }

  /** Published `data.n` values of one key, in publish order. */
  sequence(key: string | undefined): number[] {
    return this.published.filter((m) => m.partitionKey === key).map((m) => (m.envelope.data as { n: number }).n);
  }
}
