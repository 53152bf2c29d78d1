import type { IapError, PublishResult } from '@iap/core';

/**
 * The results of one `publish` call being filled in: each message's result is set once (the first
 * settle wins: a confirm that arrives after a timeout or an abort is ignored), and `done` resolves
 * once the call is sealed and every message handed to the broker has its result.
 */
export interface PublishCall {
  readonly results: PublishResult[];
  /** Sets the result of message `index` unless it has one; `error` undefined means published. */
  settle(index: number, error: IapError | undefined): void;
  /** Settles every message still without a result with `error`. */
  settleRest(error: IapError): void;
  /** Declares that message `index` was handed to the broker: `done` waits for its result. */
  expect(index: number): void;
  /** Nothing more will be handed over. */
  seal(): void;
  readonly done: Promise<void>;
  /** Resolves once every message has a result (a timeout or abort settles them all at once). */
  readonly allSettled: Promise<void>;
}

/** Creates the bookkeeping of a call whose messages have the given ids (in input order). */
export function createPublishCall(ids: readonly string[]): PublishCall {
  const size = ids.length;
  const results = new Array<PublishResult>(size);
  // 0: open, 1: handed to the broker, 2: settled
  const state = new Uint8Array(size);
  let outstanding = 0;
  let sealed = false;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  let settledCount = 0;
  let resolveAll!: () => void;
  const allSettled = new Promise<void>((r) => (resolveAll = r));
  if (size === 0) resolveAll();
  const settle = (index: number, error: IapError | undefined): void => {
    const was = state[index];
    if (was === 2) return;
    state[index] = 2;
    const id = ids[index]!;
    results[index] = error === undefined ? { id, ok: true } : { id, ok: false, error, retryable: error.retryable };
    if (++settledCount === size) resolveAll();
    if (was === 1 && --outstanding === 0 && sealed) resolve();
  };
  return {
    results,
    settle,
    settleRest(error) {
      for (let i = 0; i < size; i++) if (state[i] !== 2) settle(i, error);
    },
    expect(index) {
      if (state[index] !== 0) return;
      state[index] = 1;
      outstanding++;
    },
    seal() {
      sealed = true;
      if (outstanding === 0) resolve();
    },
    done,
    allSettled,
  };
}
