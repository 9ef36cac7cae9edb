import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  // The benchmark builds without declarations (BOUNCER_NO_DTS=1): it only needs the JavaScript.
  dts: process.env.BOUNCER_NO_DTS !== '1',
  clean: true,
  // No source maps: the tarball ships no `src/` for them to point at, and they tripled its size.
  sourcemap: false,
  target: 'node20',
  // Keep `node:` specifiers as written: bundlers and non-Node runtimes recognise a built-in by them.
  removeNodeProtocol: false,
});
