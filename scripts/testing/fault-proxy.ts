/**
 * A TCP fault proxy for fault tests: it sits in front of one upstream (a Kafka broker, PostgreSQL)
 * and, on command, cuts every connection, black-holes traffic, refuses new connections or delays
 * every chunk, then heals.
 *
 * ```ts
 * const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: 5432 } });
 * try {
 *   // connect the component under test to proxy.address ("127.0.0.1:<port>")
 *   proxy.blackHole();
 *   // ... the component sees a network that accepts but never answers
 *   await proxy.heal();
 * } finally {
 *   await proxy.close();
 * }
 * ```
 *
 * Modes, in order of precedence: refused (no listener) > black hole > normal forwarding, with an
 * optional latency applied to every chunk in both directions while forwarding. `heal()` returns to
 * plain forwarding.
 *
 * Black hole: connections stay open and new ones are accepted (without connecting upstream until
 * healed); every byte, end-of-stream and upstream close received meanwhile is dropped. A stream
 * with a hole in it cannot be resumed (the upstream would parse the next bytes as a new message),
 * so on `heal()` every connection that lost something while black-holed is reset; connections that
 * lost nothing carry on as if nothing happened.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Where connections are forwarded to. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** Port to listen on, on 127.0.0.1. @defaultValue a free port chosen by the OS */
  readonly port?: number;
}

/** A running fault proxy. Every method is safe to call in any mode. */
export interface FaultProxy {
  /** The port the proxy listens on (kept across `refuse()` / `heal()`). */
  readonly port: number;
  /** `"127.0.0.1:<port>"`, for broker lists and connection strings. */
  readonly address: string;
  /** Destroys every open client and upstream socket now; resolves once all have closed. New connections are still accepted. */
  cutAll(): Promise<void>;
  /** Keeps accepting and keeps connections open, but forwards nothing in either direction until healed. */
  blackHole(): void;
  /** Closes the listener (new connections are refused) and cuts every open connection; resolves once the listener is closed. */
  refuse(): Promise<void>;
  /** Delays every chunk by `ms` in both directions, order preserved; replaces an earlier latency (`0` removes it). */
  addLatency(ms: number): void;
  /** Back to plain forwarding: no latency, no black hole, listening again on the same port after `refuse()`. */
  heal(): Promise<void>;
  /** Number of open client connections. */
  connections(): number;
  /** Bytes received from either side and dropped by a black hole since the proxy started. */
  droppedBytes(): number;
  /**
   * Resolves once `connections()` satisfies `predicate`, checked on every connection change.
   * @throws Error when it does not within `timeoutMs` (default 10 s).
   */
  waitForConnections(predicate: (count: number) => boolean, timeoutMs?: number): Promise<void>;
  /** Stops listening and closes every socket; resolves once all are closed. */
  close(): Promise<void>;
}

interface Shared {
  latencyMs: number;
  blackHoled: boolean;
  droppedBytes: number;
}

/** What travels through a pipe: data, the source's end of stream, its clean close or its reset. */
type Chunk = Buffer | 'end' | 'close' | 'reset';
type Item = { readonly chunk: Chunk; readonly dueAt: number };

/** One direction of one connection: a FIFO of chunks, each delivered at its due time. */
class Pipe {
  private readonly queue: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  private awaitingDrain = false;

  constructor(
    private readonly shared: Shared,
    private readonly source: () => net.Socket | undefined,
    private readonly target: () => net.Socket | undefined,
    private readonly onHole: () => void,
    private readonly onClose: (target: net.Socket, reset: boolean) => void,
  ) {}

  push(chunk: Chunk): void {
    if (this.shared.blackHoled) {
      if (typeof chunk !== 'string') this.shared.droppedBytes += chunk.length;
      return this.onHole();
    }
    this.queue.push({ chunk, dueAt: performance.now() + this.shared.latencyMs });
    this.flush();
  }

  /** Drops whatever is queued (a black hole started); reports a hole when something was dropped. */
  drop(): void {
    if (this.queue.length > 0) this.onHole();
    for (const { chunk } of this.queue) if (typeof chunk !== 'string') this.shared.droppedBytes += chunk.length;
    this.queue.length = 0;
    this.clear();
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Delivers every chunk that is due, then arms one timer for the next. */
  flush(): void {
    if (this.timer !== undefined) return;
    const target = this.target();
    if (target === undefined) return; // upstream not connected yet: kept until it is
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const waitMs = head.dueAt - performance.now();
      if (waitMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.flush();
        }, Math.ceil(waitMs));
        this.timer.unref();
        return;
      }
      this.queue.shift();
      if (head.chunk === 'close' || head.chunk === 'reset') return this.onClose(target, head.chunk === 'reset');
      if (head.chunk === 'end') target.end();
      else if (!target.write(head.chunk) && !this.awaitingDrain) this.pauseUntilDrained(target);
    }
  }

  private pauseUntilDrained(target: net.Socket): void {
    const source = this.source();
    if (source === undefined) return;
    this.awaitingDrain = true;
    source.pause();
    target.once('drain', () => {
      this.awaitingDrain = false;
      source.resume();
    });
  }
}

interface Link {
  readonly client: net.Socket;
  upstream: net.Socket | undefined;
  /** Something was dropped while black-holed: reset on heal. */
  broken: boolean;
  readonly toUpstream: Pipe;
  readonly toClient: Pipe;
}

function allClosed(sockets: readonly net.Socket[]): Promise<void> {
  return Promise.all(
    sockets.map((s) => (s.closed ? Promise.resolve() : new Promise<void>((resolve) => s.once('close', () => resolve())))),
  ).then(() => undefined);
}

/** Resolves once `predicate(count())` holds, re-checked whenever a watcher is notified. */
function waitForCount(
  watchers: Set<() => void>,
  count: () => number,
  predicate: (count: number) => boolean,
  timeoutMs: number,
  port: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (!predicate(count())) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`[iap] fault proxy ${port}: connection count ${count()} did not reach the expected state in ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      watchers.delete(check);
    };
    watchers.add(check);
    check();
  });
}

/**
 * Starts a fault proxy on 127.0.0.1 in front of `options.upstream`.
 * @example
 * const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: 9092 } });
 * @throws Error when the port cannot be listened on.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const shared: Shared = { latencyMs: 0, blackHoled: false, droppedBytes: 0 };
  const links = new Set<Link>();
  const watchers = new Set<() => void>();
  let listening = false;
  let closed = false;
  const notify = (): void => {
    for (const watcher of [...watchers]) watcher();
  };

  const connectUpstream = (link: Link): void => {
    const upstream = net.connect({ host: options.upstream.host, port: options.upstream.port, allowHalfOpen: true });
    link.upstream = upstream;
    upstream.on('error', () => {});
    upstream.on('data', (chunk: Buffer) => link.toClient.push(chunk));
    upstream.on('end', () => link.toClient.push('end'));
    upstream.on('close', (hadError) => link.toClient.push(hadError ? 'reset' : 'close'));
    link.toUpstream.flush();
  };

  const destroyLink = (link: Link): void => {
    if (!links.delete(link)) return;
    link.toUpstream.clear();
    link.toClient.clear();
    link.client.destroy();
    link.upstream?.destroy();
    notify();
  };

  /** One side closed: pass a reset on as a reset; after a clean close let the other side's writes drain first. */
  const closeOther = (link: Link, target: net.Socket, reset: boolean): void => {
    if (reset || target.destroyed) {
      if (!target.destroyed) target.resetAndDestroy();
      return destroyLink(link);
    }
    if (target.writableFinished) return destroyLink(link);
    target.once('finish', () => destroyLink(link));
    target.end();
  };

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    client.on('error', () => {});
    if (closed) return void client.destroy();
    const link: Link = {
      client,
      upstream: undefined,
      broken: false,
      toUpstream: new Pipe(shared, () => client, () => link.upstream, () => (link.broken = true), (target, reset) => closeOther(link, target, reset)),
      toClient: new Pipe(shared, () => link.upstream, () => client, () => (link.broken = true), (target, reset) => closeOther(link, target, reset)),
    };
    links.add(link);
    client.on('data', (chunk: Buffer) => link.toUpstream.push(chunk));
    client.on('end', () => link.toUpstream.push('end'));
    client.on('close', (hadError) => {
      // A client that is gone has nothing left to protect, black hole or not.
      if (shared.blackHoled) destroyLink(link);
      else link.toUpstream.push(hadError ? 'reset' : 'close');
    });
    if (!shared.blackHoled) connectUpstream(link);
    notify();
  });
  server.on('error', () => {});

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.once('error', onError);
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
        server.off('error', onError);
        listening = true;
        resolve();
      });
    });

  await listen(options.port ?? 0);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const cutAll = async (): Promise<void> => {
    const sockets: net.Socket[] = [];
    for (const link of [...links]) {
      sockets.push(link.client);
      if (link.upstream) sockets.push(link.upstream);
      destroyLink(link);
    }
    await allClosed(sockets);
  };

  const stopListening = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  const proxy: FaultProxy = {
    port,
    address: `127.0.0.1:${port}`,
    cutAll,
    blackHole() {
      shared.blackHoled = true;
      for (const link of links) {
        link.toUpstream.drop();
        link.toClient.drop();
      }
    },
    async refuse() {
      const closing = stopListening();
      await cutAll();
      await closing;
    },
    addLatency(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`[iap] addLatency: ms must be a finite number >= 0, got ${ms}`);
      shared.latencyMs = ms;
    },
    async heal() {
      if (closed) return;
      shared.blackHoled = false;
      shared.latencyMs = 0;
      const resets: net.Socket[] = [];
      for (const link of [...links]) {
        if (link.broken) {
          resets.push(link.client, ...(link.upstream ? [link.upstream] : []));
          destroyLink(link);
        } else if (link.upstream === undefined) {
          connectUpstream(link);
        }
      }
      await allClosed(resets);
      if (!listening) await listen(port);
    },
    connections: () => links.size,
    droppedBytes: () => shared.droppedBytes,
    waitForConnections: (predicate, timeoutMs = 10_000) => waitForCount(watchers, () => links.size, predicate, timeoutMs, port),
    async close() {
      closed = true;
      const closing = stopListening();
      await cutAll();
      await closing;
    },
  };
  return proxy;
}
