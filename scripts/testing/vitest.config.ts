import { defineConfig } from 'vitest/config';

// The test harness's own tests (fault proxy, PostgreSQL faults, private Kafka broker). `pnpm test`
// runs them after the packages' tests (scripts/test.mjs); run alone with `pnpm test:harness`.
export default defineConfig({
  test: {
    name: 'harness',
    root: import.meta.dirname,
    include: ['*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
