/** A source of uniformly distributed numbers in `[0, 1)`, like `Math.random`. Inject a seeded one in tests. */
export type RandomSource = () => number;

/**
 * A small, fast seeded PRNG (mulberry32). The same seed always gives the same sequence: use it for
 * deterministic jitter in tests and simulations, never for secrets.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * computeRetryDelay(policy, { attempt: 1, random });
 * ```
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
