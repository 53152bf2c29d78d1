import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    "index": 'src/index.ts',
    "edge": 'src/edge.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'neutral',
  sourcemap: true,
  clean: true,
  splitting: false,
  treeshake: true,
  // keep `node:crypto`: Deno resolves only the prefixed form
  removeNodeProtocol: false,
  external: [/^node:/],
});
