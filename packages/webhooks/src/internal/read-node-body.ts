import type { IncomingMessage } from 'node:http';

/** The outcome of reading a Node request body under a limit. */
export type NodeBodyResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly reason: 'body_too_large' };

/**
 * Reads a Node request body, refusing it before buffering when `content-length` is over the limit
 * and stopping as soon as the received bytes pass it. Rejects when the stream errors or is aborted.
 */
export function readNodeBody(request: IncomingMessage, maxBodyBytes: number): Promise<NodeBodyResult> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxBodyBytes) {
    request.resume();
    return Promise.resolve({ ok: false, reason: 'body_too_large' });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBodyBytes) {
        cleanup();
        chunks.length = 0;
        request.resume();
        resolve({ ok: false, reason: 'body_too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received) });
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onAborted = (): void => {
      cleanup();
      reject(new Error('the request was aborted before its body was complete'));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}
