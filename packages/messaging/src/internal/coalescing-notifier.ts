import type { ChannelNotifier } from './transaction-handle.js';

/**
 * A notifier that sends at most one NOTIFY per channel at a time: requests arriving while one is in
 * flight collapse into a single follow-up. Relays only need to know that something was committed,
 * so many commits cost a few notifications, sent outside the writers' transactions (PostgreSQL
 * serialises the commits of transactions that NOTIFY). Failures are ignored: relays also poll.
 */
export function createCoalescingNotifier(send: (channel: string) => Promise<unknown>): ChannelNotifier {
  const state = new Map<string, { again: boolean }>();
  const run = (channel: string): void => {
    const entry = { again: false };
    state.set(channel, entry);
    send(channel)
      .catch(() => undefined)
      .finally(() => {
        if (entry.again) run(channel);
        else state.delete(channel);
      });
  };
  return (channel: string): void => {
    const entry = state.get(channel);
    if (entry) entry.again = true;
    else run(channel);
  };
}
