import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

export default defineConfig([
  packageBuild(['src/index.ts', 'src/hono.ts']),
  // The CLI uses top-level await: ESM only. Not cleaned: it shares `dist/` with the entry above.
  packageBuild(['src/cli.ts'], { format: ['esm'], dts: false, clean: false }),
]);
