// What a consumer of the published packages gets, checked on the real tarballs (`pnpm pack`):
// publint and @arethetypeswrong/cli on each, a type-check of a fresh npm project that installs them
// (ESM and CommonJS under `node16`, `bundler` and `node10`), the dual-package case (an ESM app whose
// policy module is CommonJS) and an esbuild bundle of @bouncer/hono + @bouncer/core for the
// browser/worker platforms that fails on any Node built-in.
// Each check is one row; `run()` returns them for the test command's totals.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const PNPM = ['-y', 'pnpm@10.34.8'];
export const PACKAGES = [
  'core',
  'node-http',
  'adapter-hono',
  'adapter-express',
  'adapter-koa',
  'adapter-raw',
  'conformance',
];

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Builds and packs every package; returns the tarball paths by package name. */
export function packAll(dir) {
  // Declarations resolve each other from source (the `@bouncer/source` condition), so no order is needed.
  const build = sh('npx', [...PNPM, '-r', '--no-sort', '--filter', './packages/**', 'build'], { cwd: root });
  if (!build.ok) throw new Error(`build failed:\n${build.out}`);
  const tarballs = {};
  for (const p of PACKAGES) {
    const r = sh('npx', [...PNPM, 'pack', '--pack-destination', dir], { cwd: join(root, 'packages', p) });
    if (!r.ok) throw new Error(`pnpm pack ${p} failed:\n${r.out}`);
    const name = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')).name;
    const file = readdirSync(dir).find((f) => f.startsWith(`${name.replace('@', '').replace('/', '-')}-`));
    tarballs[name] = join(dir, file);
  }
  return tarballs;
}

async function publintTarball(file) {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const bytes = readFileSync(file);
  const { messages, pkg } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    strict: true,
  });
  return messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
}

const CONSUMER_SOURCE = `
import { bouncer as policy, HttpError } from '@bouncer/core';
import { runChain } from '@bouncer/core/adapter';
import { parseForwarded } from '@bouncer/core/address';
import { describeChain } from '@bouncer/core/audit';
import { bouncer as onHono } from '@bouncer/hono';
import { expectAllRoutesGuarded } from '@bouncer/hono/testing';
import { bouncer as onExpress } from '@bouncer/express';
import { bouncer as onKoa } from '@bouncer/koa';
import { createServer } from '@bouncer/raw';
import { runConformance } from '@bouncer/conformance';
const chain = policy({ rateLimit: { limit: 5, window: '60s' } });
const e: HttpError = new HttpError(403);
export const all = [chain, e, HttpError.is(e), runChain, parseForwarded(['for=192.0.2.1']), describeChain(chain), onHono(chain), expectAllRoutesGuarded, onExpress(chain), onKoa(chain), createServer, runConformance];
`;

// The resolution modes a consumer may use, each type-checking an ESM and a CommonJS file.
const MODES = {
  node16: { module: 'node16', moduleResolution: 'node16', files: ['esm.mts', 'cjs.cts'] },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', files: ['esm.mts', 'cjs.cts'] },
  bundler: { module: 'esnext', moduleResolution: 'bundler', files: ['esm.mts', 'cjs.cts'] },
  node10: { module: 'commonjs', moduleResolution: 'node10', files: ['cjs.ts'] },
};

const DUAL_POLICY = `// CommonJS policy module: gets @bouncer/core's CommonJS build.
const { bouncer, compose, HttpError } = require('@bouncer/core');
module.exports = compose([
  bouncer({ requestId: false, timing: false }),
  async function closed(ctx) {
    throw new HttpError(403, { detail: 'closed on Sundays', policy: 'closed' });
  },
]);
`;
const DUAL_APP = `// ESM application: gets @bouncer/hono and @bouncer/core's ESM build.
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { bouncer } from '@bouncer/hono';
const chain = createRequire(import.meta.url)('./policy.cjs');
const app = new Hono();
app.use(bouncer(chain, { peer: () => '127.0.0.1' }));
app.get('/', (c) => c.text('open'));
const res = await app.request('/');
console.log(JSON.stringify({ status: res.status, type: res.headers.get('content-type'), body: await res.json() }));
`;

/** Runs every check; returns rows `{ label, ok, detail }`. */
export async function run() {
  const rows = [];
  const add = (label, ok, detail = '') => {
    rows.push({ label, ok, detail });
    console.log(`${ok ? '✓' : '✗'} ${label}${detail ? `\n${detail}` : ''}`);
  };
  const work = mkdtempSync(join(tmpdir(), 'bouncer-pack-'));
  try {
    const tarballs = packAll(join(work, 'tarballs'));
    for (const [name, file] of Object.entries(tarballs)) {
      const findings = await publintTarball(file);
      add(`publint ${name}`, findings.length === 0, findings.join('\n'));
      const attw = sh(join(root, 'node_modules', '.bin', 'attw'), [file, '--format', 'ascii', '--no-color']);
      add(`attw ${name}`, attw.ok, attw.ok ? '' : attw.out);
    }

    // A fresh npm project installing the tarballs (and the frameworks from the registry).
    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }, null, 2),
    );
    const install = sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...Object.values(tarballs),
        'hono@^4',
        '@hono/node-server@^2',
        'express@^5',
        'koa@^3',
        '@types/express@^5',
        '@types/koa@^3',
        '@types/node@^20',
      ],
      { cwd: consumer },
    );
    add('consumer npm install of the tarballs', install.ok, install.ok ? '' : install.out);
    if (!install.ok) return rows;

    writeFileSync(join(consumer, 'esm.mts'), CONSUMER_SOURCE);
    writeFileSync(join(consumer, 'cjs.cts'), CONSUMER_SOURCE);
    writeFileSync(join(consumer, 'cjs.ts'), CONSUMER_SOURCE);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [mode, { files, ...options }] of Object.entries(MODES)) {
      const config = join(consumer, `tsconfig.${mode}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: {
            ...options,
            target: 'es2022',
            strict: true,
            noEmit: true,
            types: ['node'],
            skipLibCheck: false,
          },
          files,
        }),
      );
      // Library files are checked too (skipLibCheck off): our declarations must hold. Errors inside
      // other packages' own declarations (DefinitelyTyped drift) are not ours to judge.
      const r = sh(process.execPath, [tsc, '-p', config], { cwd: consumer });
      const errors = r.out
        .split('\n')
        .filter((line) => /error TS\d+/.test(line))
        .filter((line) => !line.startsWith('node_modules/') || line.startsWith('node_modules/@bouncer/'));
      const ok = errors.length === 0 && (r.ok || r.out.includes('error TS'));
      add(`consumer type-check ${mode} (${files.join(', ')})`, ok, ok ? '' : errors.join('\n') || r.out);
    }

    writeFileSync(join(consumer, 'policy.cjs'), DUAL_POLICY);
    writeFileSync(join(consumer, 'app.mjs'), DUAL_APP);
    const dual = sh(process.execPath, ['app.mjs'], { cwd: consumer });
    let dualOk = false;
    try {
      const got = JSON.parse(dual.out.trim().split('\n').at(-1));
      dualOk =
        got.status === 403 &&
        got.type === 'application/problem+json' &&
        got.body.detail === 'closed on Sundays';
    } catch {}
    add('dual package: ESM app + CommonJS policy answers the 403', dualOk, dualOk ? '' : dual.out);

    rows.push(...(await bundleChecks(consumer)));
  } catch (error) {
    add('packages build and pack', false, String(error?.message ?? error));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** esbuild bundles of @bouncer/hono + @bouncer/core, as installed, that must not reach a Node built-in. */
async function bundleChecks(consumer) {
  const esbuild = await import(pathToFileURL(join(root, 'node_modules', 'esbuild', 'lib', 'main.js')).href);
  const rows = [];
  for (const platform of ['browser', 'neutral']) {
    const reached = [];
    const guard = {
      name: 'no-node-builtins',
      setup(build) {
        build.onResolve({ filter: /.*/ }, (args) => {
          if (BUILTINS.has(args.path) || args.path.startsWith('node:')) {
            reached.push(`${args.path} (imported by ${args.importer.replace(consumer, '.')})`);
            return { path: args.path, external: true };
          }
          return undefined;
        });
      },
    };
    let detail = '';
    try {
      await esbuild.build({
        stdin: {
          contents: "export * from '@bouncer/hono';\nexport * from '@bouncer/core';\n",
          resolveDir: consumer,
          loader: 'js',
        },
        bundle: true,
        write: false,
        format: 'esm',
        platform,
        // Cloudflare's own bundler resolves the `workerd` and `worker` conditions first.
        conditions: ['workerd', 'worker', 'browser'],
        mainFields: platform === 'neutral' ? ['module', 'main'] : undefined,
        external: ['hono', 'hono/*'],
        logLevel: 'silent',
        plugins: [guard],
      });
    } catch (error) {
      detail = String(error?.message ?? error);
    }
    const ok = detail === '' && reached.length === 0;
    const label = `esbuild ${platform} bundle of @bouncer/hono + @bouncer/core reaches no Node built-in`;
    rows.push({ label, ok, detail: [detail, ...reached].filter(Boolean).join('\n') });
    console.log(`${ok ? '✓' : '✗'} ${label}${ok ? '' : `\n${rows.at(-1).detail}`}`);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run();
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`\npackages: ${rows.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
