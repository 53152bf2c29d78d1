/**
 * LISTEN on PostgreSQL: one dedicated pooled client for every channel. When it fails it is dropped
 * and reconnected after a delay, and then every listener is woken, since notifications may have been
 * missed meanwhile (the relay's backup poll covers the gap).
 */
import { ErrorCode, IapError, type Clock, type TimerHandle } from '@iap/core';
import type { Notification, Pool, PoolClient } from 'pg';

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** What the LISTEN connection uses. */
export interface ListenConnectionOptions {
  readonly pool: Pool;
  readonly clock: Clock;
  readonly reconnectDelayMs: number;
}

/** The LISTEN client of one database and the callbacks of each channel. */
export class ListenConnection {
  readonly #options: ListenConnectionOptions;
  readonly #channels = new Map<string, Set<() => void>>();
  #client: PoolClient | undefined;
  #connecting: Promise<void> | undefined;
  #reconnectTimer: TimerHandle | undefined;
  #closed = false;

  constructor(options: ListenConnectionOptions) {
    this.#options = options;
  }

  /**
   * Calls `callback` on every NOTIFY on `channel` (and after a reconnect); returns the function that
   * stops it. A failed LISTEN is retried in the background.
   * @throws IapError `VALIDATION` when `channel` is not a lowercase SQL identifier.
   */
  async listen(channel: string, callback: () => void): Promise<() => Promise<void>> {
    if (!CHANNEL.test(channel)) throw new IapError(ErrorCode.VALIDATION, `listen: channel must be a lowercase SQL identifier, got ${JSON.stringify(channel.slice(0, 80))}`);
    let set = this.#channels.get(channel);
    const isNew = set === undefined;
    if (!set) this.#channels.set(channel, (set = new Set()));
    set.add(callback);
    try {
      if (this.#client && isNew) await this.#client.query(`LISTEN "${channel}"`);
      else await this.#ensureClient();
    } catch {
      // the backup poll covers the gap; keep trying in the background
      this.#scheduleReconnect();
    }
    return () => this.#unlisten(channel, callback);
  }

  /** Drops the client and every channel; no reconnect follows. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reconnectTimer !== undefined) this.#options.clock.clearTimeout(this.#reconnectTimer);
    await this.#connecting?.catch(() => undefined);
    this.#channels.clear();
    if (this.#client) this.#drop(this.#client);
  }

  async #unlisten(channel: string, callback: () => void): Promise<void> {
    const current = this.#channels.get(channel);
    if (!current) return;
    current.delete(callback);
    if (current.size > 0) return;
    this.#channels.delete(channel);
    const client = this.#client;
    if (!client) return;
    if (this.#channels.size === 0) this.#drop(client);
    else await client.query(`UNLISTEN "${channel}"`).catch(() => undefined);
  }

  readonly #onNotification = (message: Notification): void => {
    const set = this.#channels.get(message.channel);
    if (set) for (const callback of set) callback();
  };

  #notifyAll(): void {
    for (const set of this.#channels.values()) for (const callback of set) callback();
  }

  #drop(client: PoolClient, error?: Error): void {
    client.removeListener('notification', this.#onNotification);
    client.removeAllListeners('error');
    client.release(error ?? true);
    if (this.#client === client) this.#client = undefined;
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#channels.size === 0 || this.#reconnectTimer !== undefined) return;
    this.#reconnectTimer = this.#options.clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#ensureClient()
        .then(() => this.#notifyAll())
        .catch(() => this.#scheduleReconnect());
    }, this.#options.reconnectDelayMs);
  }

  #ensureClient(): Promise<void> {
    if (this.#client) return Promise.resolve();
    this.#connecting ??= (async () => {
      const client = await this.#options.pool.connect();
      client.on('notification', this.#onNotification);
      client.on('error', (error: Error) => {
        this.#drop(client, error);
        this.#scheduleReconnect();
      });
      try {
        for (const channel of this.#channels.keys()) await client.query(`LISTEN "${channel}"`);
      } catch (error) {
        this.#drop(client, error as Error);
        throw error;
      }
      this.#client = client;
    })().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }
}
