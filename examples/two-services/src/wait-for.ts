/** Polls `condition` until it holds or `timeoutMs` passes (then throws, naming what was awaited). */
import { setTimeout as delay } from 'node:timers/promises';

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(20);
  }
}
