import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/adapter.ts', 'src/address.ts', 'src/audit/index.ts'],
  format: ['esm', 'cjs'],
  // The benchmark builds without declarations (BOUNCER_NO_DTS=1): it only needs the JavaScript.
  dts: process.env.BOUNCER_NO_DTS !== '1',
  clean: true,
  sourcemap: true,
  target: 'node20',
});
