import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    "index": 'src/index.ts',
    "postgres": 'src/postgres.ts',
    "pglite": 'src/pglite.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'neutral',
  sourcemap: true,
  clean: true,
  splitting: false,
  // import.meta.url in the CJS build (postgres/load-pg.ts loads the optional pg peer with createRequire)
  shims: true,
  treeshake: true,
});
