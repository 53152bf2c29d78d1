/**
 * A stand-in for a remote exchange-rates API whose behaviour the example scripts: healthy, a one-off
 * 503, one slow answer, or down. Every call is counted, so the example can show which calls never
 * reached it (failed fast by the open circuit).
 */
import { setTimeout as delay } from 'node:timers/promises';

/** How the API behaves for the next calls. */
export type ApiMode = 'healthy' | 'one-503' | 'one-slow' | 'down';

/** The fake API: `getRate` honours the caller's `AbortSignal`, like `fetch` does. */
export interface FlakyRatesApi {
  mode: ApiMode;
  readonly calls: number;
  getRate(signal: AbortSignal | undefined): Promise<number>;
}

/** Creates the fake API in `healthy` mode. */
export function createFlakyRatesApi(): FlakyRatesApi {
  let calls = 0;
  const api: FlakyRatesApi = {
    mode: 'healthy',
    get calls() {
      return calls;
    },
    async getRate(signal) {
      calls++;
      switch (api.mode) {
        case 'healthy':
          return 1.08;
        case 'one-503':
          api.mode = 'healthy';
          throw new Error('rates API answered HTTP 503');
        case 'one-slow':
          api.mode = 'healthy';
          // A slow response: it would take 5 s, but gives up as soon as the caller's signal aborts.
          await delay(5_000, undefined, signal ? { signal } : {});
          return 1.08;
        case 'down':
          throw new Error('rates API answered HTTP 503');
      }
    },
  };
  return api;
}
