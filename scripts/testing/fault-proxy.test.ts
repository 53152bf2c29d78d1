import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';

/** A tiny echo server that records every byte it receives and every connection it accepts. */
async function startEcho(): Promise<{ port: number; received: () => string; accepted: () => number; close: () => Promise<void> }> {
  let received = '';
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk) => {
      received += chunk.toString();
      socket.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    received: () => received,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A client connection that collects what it reads and resolves waits on data or close. */
class Client {
  data = '';
  closed = false;
  private readonly waiters = new Set<() => void>();
  readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      this.data += chunk.toString();
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves once `condition` holds, re-checked on every read and on close. */
  until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out; read so far: ${JSON.stringify(this.data)}, closed: ${this.closed}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async roundTrip(text: string): Promise<void> {
    const expected = this.data + text;
    this.socket.write(text);
    await this.until(() => this.data === expected);
  }

  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(text, (error) => (error ? reject(error) : resolve())));
  }
}

/** Polls with a deadline (no fixed sleeps). */
async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `connected`, or the error code of the failed connect. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('fault proxy', () => {
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let proxy: FaultProxy;
  const clients: Client[] = [];
  const connect = async (): Promise<Client> => {
    const client = await Client.connect(proxy.port);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    echo = await startEcho();
    proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: echo.port } });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    await proxy.close();
    await echo.close();
  });

  it('forwards both ways and counts connections', async () => {
    expect(proxy.address).toBe(`127.0.0.1:${proxy.port}`);
    const a = await connect();
    const b = await connect();
    await a.roundTrip('hello');
    await b.roundTrip('world');
    expect(proxy.connections()).toBe(2);
    a.socket.end();
    await proxy.waitForConnections((n) => n === 1);
  });

  it('cutAll destroys every connection and keeps accepting new ones', async () => {
    const a = await connect();
    const b = await connect();
    await a.roundTrip('x');
    await b.roundTrip('y');
    await proxy.cutAll();
    expect(proxy.connections()).toBe(0);
    await a.until(() => a.closed);
    await b.until(() => b.closed);
    const c = await connect();
    await c.roundTrip('after the cut');
  });

  it('black hole accepts and keeps connections but forwards nothing; heal resets only the ones that lost bytes', async () => {
    const quiet = await connect();
    const talker = await connect();
    await quiet.roundTrip('q');
    await talker.roundTrip('t');
    const before = echo.received();
    proxy.blackHole();
    await talker.write('lost');
    await eventually(() => proxy.droppedBytes() === 4);
    const late = await connect(); // accepted while black-holed, not yet connected upstream
    await proxy.waitForConnections((n) => n === 3);
    expect(echo.received()).toBe(before);
    expect(talker.data).toBe('t');
    expect(talker.closed).toBe(false);
    const acceptedBefore = echo.accepted();

    await proxy.heal();
    await talker.until(() => talker.closed); // its stream has a hole: reset
    await quiet.roundTrip('still here');
    await late.roundTrip('late but fine');
    expect(echo.accepted()).toBe(acceptedBefore + 1);
    expect(echo.received()).not.toContain('lost');
  });

  it('refuse closes the listener and cuts; heal listens again on the same port', async () => {
    const a = await connect();
    await a.roundTrip('x');
    await proxy.refuse();
    await a.until(() => a.closed);
    expect(await connectOutcome(proxy.port)).toBe('ECONNREFUSED');
    await proxy.heal();
    const b = await connect();
    await b.roundTrip('back');
  });

  it('latency delays every chunk in both directions and keeps their order', async () => {
    const a = await connect();
    await a.roundTrip('warm');
    proxy.addLatency(40);
    const started = performance.now();
    await a.roundTrip('slow');
    // Two delayed hops (to the echo and back); a timer never fires early, allow 1 ms of rounding.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 40 - 1);
    const parts = Array.from({ length: 50 }, (_, i) => `<${i}>`);
    for (const part of parts) a.socket.write(part);
    const expected = `warmslow${parts.join('')}`;
    await a.until(() => a.data === expected);
    expect(() => proxy.addLatency(-1)).toThrow(/addLatency/);
    await proxy.heal();
    await a.roundTrip('fast again');
  });

  it('cuts the client when the upstream is down, and close() frees the port', async () => {
    await echo.close();
    const a = await connect();
    await a.until(() => a.closed);
    await proxy.waitForConnections((n) => n === 0);
    await proxy.close();
    expect(await connectOutcome(proxy.port)).toBe('ECONNREFUSED');
    echo = await startEcho(); // afterEach closes it again
  });

  it('passes a clean close on after the data before it, even with latency', async () => {
    const greeter = net.createServer((socket) => socket.end('bye'));
    await new Promise<void>((resolve) => greeter.listen(0, '127.0.0.1', resolve));
    const other = await startFaultProxy({ upstream: { host: '127.0.0.1', port: (greeter.address() as net.AddressInfo).port } });
    try {
      other.addLatency(20);
      const a = await Client.connect(other.port);
      clients.push(a);
      await a.until(() => a.closed);
      expect(a.data).toBe('bye');
      await other.waitForConnections((n) => n === 0);
    } finally {
      await other.close();
      await new Promise<void>((resolve) => greeter.close(() => resolve()));
    }
  });
});
