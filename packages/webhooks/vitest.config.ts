import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
        },
      },
      {
        test: {
          // Offline differential tests against the providers' official SDKs, in both directions.
          name: 'differential',
          include: ['test/differential/**/*.test.ts'],
        },
      },
      {
        test: {
          // README code blocks type-checked against the sources.
          name: 'docs',
          include: ['test/docs/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
