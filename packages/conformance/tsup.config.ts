import { defineConfig } from 'tsup';

const dts = process.env.BOUNCER_NO_DTS !== '1';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts,
    clean: true,
    sourcemap: false,
    target: 'node20',
    removeNodeProtocol: false,
  },
  // The CLI uses top-level await: ESM only.
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: false,
    target: 'node20',
    removeNodeProtocol: false,
  },
]);
