import type { ServerResponse } from 'node:http';
import type { AdapterResponse } from './process-webhook.js';

/** Writes an adapter response to a Node `ServerResponse` (Express's too). */
export function writeNodeResponse(response: ServerResponse, result: AdapterResponse): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const body = typeof result.body === 'string' ? Buffer.from(result.body, 'utf8') : result.body;
  response.writeHead(result.status, { ...result.headers, 'content-length': String(body.byteLength) });
  response.end(body);
}
