/**
 * Whether a Kafka broker answers on TCP, so the example can say "no broker" in one line instead of
 * letting the client retry for a minute.
 */
import { connect } from 'node:net';

/** Resolves true when any of `brokers` (`host:port`) accepts a TCP connection within `timeoutMs`. */
export async function brokerReachable(brokers: readonly string[], timeoutMs = 2_000): Promise<boolean> {
  const attempts = brokers.map(
    (broker) =>
      new Promise<boolean>((resolve) => {
        const separator = broker.lastIndexOf(':');
        const socket = connect({ host: broker.slice(0, separator), port: Number(broker.slice(separator + 1)) });
        const done = (ok: boolean) => {
          socket.destroy();
          resolve(ok);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once('connect', () => done(true));
        socket.once('error', () => done(false));
      }),
  );
  return (await Promise.all(attempts)).some(Boolean);
}
