/** Fails the example (non-zero exit) when what it demonstrates did not happen. */
export function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`example check failed: ${what}`);
}
