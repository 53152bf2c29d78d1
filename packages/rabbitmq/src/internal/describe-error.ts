/** The broker's reply code of an AMQP error (amqplib puts it on `code`), when there is one. */
export function replyCodeOf(error: unknown): number | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A short, value-free description of a client error for messages: the reply code and the first
 * words of the client's text (broker texts name exchanges and queues, never payloads).
 */
export function describeClientError(error: unknown): string {
  if (error === undefined) return 'closed';
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown reason';
  const code = replyCodeOf(error);
  const text = message.length > 160 ? `${message.slice(0, 160)}...` : message;
  return code === undefined ? text : `${code}: ${text}`;
}
