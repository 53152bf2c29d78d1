/** Real servers on 127.0.0.1 with ephemeral ports, for adapter tests. */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

export interface Loopback {
  readonly origin: string;
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1:0 and returns its origin. */
export async function listen(server: Server): Promise<Loopback> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Serves a node:http listener. */
export function serveNode(listener: RequestListener): Promise<Loopback> {
  return listen(createServer(listener));
}

/** Serves a Fetch handler through node:http (as Hono's node adapter, Next.js and Deno do). */
export function serveFetch(handler: (request: Request) => Promise<Response>): Promise<Loopback> {
  return serveNode((req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
    } as RequestInit);
    void handler(request).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
}

/** A request body that arrives in chunks without a content-length. */
export function chunkedBody(totalBytes: number, chunkBytes = 16_384): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) {
        controller.close();
        return;
      }
      const size = Math.min(chunkBytes, totalBytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
}

/** POSTs and returns status, headers and text. */
export async function post(url: string, init: { body?: RequestInit["body"]; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', ...init, ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
  return { status: response.status, text: await response.text(), headers: response.headers };
}
