/**
 * A promise rejected with `error`, whatever was thrown (the callee's own value, kept as is). Used on
 * the rare path where a callee throws synchronously instead of returning a rejected promise.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- the async function turns the throw into a rejection
export async function rejection(error: unknown): Promise<never> {
  throw error;
}
