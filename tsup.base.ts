// The one build every package shares: `tsup.config.ts` in each package names its entries.
import { defineConfig, type Options } from 'tsup';

/** Options of a package's build: ESM and CommonJS with declarations, for Node 20. */
export function packageBuild(entry: string[], overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    // The benchmark builds without declarations (BOUNCER_NO_DTS=1): it only needs the JavaScript.
    dts: process.env.BOUNCER_NO_DTS !== '1',
    clean: true,
    // No source maps: the tarball ships no `src/` for them to point at, and they tripled its size.
    sourcemap: false,
    target: 'node20',
    // Keep `node:` specifiers as written: bundlers and non-Node runtimes recognise a built-in by them.
    removeNodeProtocol: false,
    ...overrides,
  };
}

/** The `tsup.config.ts` of a package whose entries are `entry`. */
export function definePackage(entry: string[]) {
  return defineConfig(packageBuild(entry));
}
