// Serves the Hono conformance app on Bun (Bun.serve), Deno (Deno.serve) and workerd (Miniflare, a
// Workers `fetch` handler with no compatibility flag), each on its own server, for the conformance
// runner in Node. Each runtime runs one bundle of the app made with esbuild for a platform with no
// Node built-ins (the build fails if one is reached), so what runs is what a user would deploy.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { AppFactory, AppProbe, ChainBuilder, FinishRecord, RunningApp } from '@bouncer/conformance';
import { build, type Plugin } from 'esbuild';
import { Miniflare } from 'miniflare';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const RUNTIME_BINARIES = {
  bun: () => join(packageDir('@oven/bun-linux-x64'), 'bin', 'bun'),
  deno: () => join(packageDir('@deno/linux-x64-glibc'), 'deno'),
};

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      BUILTINS.has(args.path) || args.path.startsWith('node:')
        ? { errors: [{ text: `Node built-in ${args.path} imported by ${args.importer}` }] }
        : undefined,
    );
  },
};

const outDir = mkdtempSync(join(tmpdir(), 'bouncer-runtimes-'));
const bundles = new Map<string, Promise<string>>();

/** One ESM bundle per entry, from source, for the browser/worker platform. */
function bundle(entry: 'bun' | 'deno' | 'worker'): Promise<string> {
  let out = bundles.get(entry);
  if (!out) {
    const file = join(outDir, `${entry}.mjs`);
    out = build({
      entryPoints: [join(here, `${entry}.ts`)],
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      conditions: ['@bouncer/source', 'workerd', 'worker', 'browser'],
      logLevel: 'error',
      plugins: [noNodeBuiltins],
    }).then(() => file);
    bundles.set(entry, out);
  }
  return out;
}

/** Removes the bundles (call once, after every runtime is closed). */
export function cleanUp(): void {
  rmSync(outDir, { recursive: true, force: true });
}

/** A RunningApp whose probe mirrors the server's `GET /__probe`, refreshed in order, never backwards. */
function mirrored(
  url: string,
  probe: AppProbe,
  finishes: FinishRecord[],
  stop: () => Promise<void>,
): RunningApp {
  let queue = Promise.resolve();
  let closed = false;
  const pull = async () => {
    const res = await fetch(new URL('/__probe', url));
    const s = (await res.json()) as {
      hits: [string, number][];
      reported: string[];
      finishes: FinishRecord[];
    };
    probe.hits.clear();
    for (const [k, v] of s.hits) probe.hits.set(k, v);
    probe.reported.splice(0, probe.reported.length, ...s.reported);
    finishes.splice(0, finishes.length, ...s.finishes);
  };
  const sync = () => {
    queue = queue.then(pull, pull);
    return queue;
  };
  // Cases poll `finishes` while waiting for a hook that fires after the response: keep it fresh.
  const timer = setInterval(() => {
    if (!closed) sync().catch(() => {});
  }, 25);
  return {
    url,
    sync,
    async close() {
      closed = true;
      clearInterval(timer);
      await queue.catch(() => {});
      await stop();
    },
  };
}

/** Starts `cmd args` and resolves with the URL it prints as `listening <url>`. */
function listening(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 30 s: ${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${out}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runtime output the runner did not expect (warnings, errors), collected for the report. */
export const runtimeOutput: string[] = [];

function processApp(name: 'bun' | 'deno', args: (file: string) => string[]): AppFactory {
  return {
    name,
    start() {
      throw new Error(`${name} builds its chain in the runtime: use startBuilder`);
    },
    async startBuilder(builder: ChainBuilder, probe: AppProbe, finishes: FinishRecord[]) {
      const file = await bundle(name);
      const child = spawn(RUNTIME_BINARIES[name](), args(file), {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, BOUNCER_CHAIN: builder.id, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      });
      const url = await listening(child, name);
      child.stdout?.on('data', (chunk: Buffer) => runtimeOutput.push(`${name}: ${chunk}`));
      child.stderr?.on('data', (chunk: Buffer) => runtimeOutput.push(`${name}: ${chunk}`));
      return mirrored(url, probe, finishes, () => stopChild(child));
    },
  };
}

export const bunApp = processApp('bun', (file) => [file]);

export const denoApp = processApp('deno', (file) => [
  'run',
  '--no-config',
  '--no-lock',
  '--no-prompt',
  '--allow-net=127.0.0.1',
  '--allow-env=BOUNCER_CHAIN',
  file,
]);

export const workerdApp: AppFactory = {
  name: 'workerd',
  start() {
    throw new Error('workerd builds its chain in the runtime: use startBuilder');
  },
  async startBuilder(builder, probe, finishes) {
    const scriptPath = await bundle('worker');
    const mf = new Miniflare({
      modulesRoot: outDir,
      modules: [{ type: 'ESModule', path: scriptPath }],
      // No `nodejs_compat`: the bundle must run on the plain Workers runtime.
      compatibilityDate: '2025-09-01',
      compatibilityFlags: [],
      bindings: { BOUNCER_CHAIN: builder.id },
      host: '127.0.0.1',
      port: 0,
      handleRuntimeStdio(stdout: Readable, stderr: Readable) {
        stdout.on('data', (chunk: Buffer) => runtimeOutput.push(`workerd: ${chunk}`));
        stderr.on('data', (chunk: Buffer) => runtimeOutput.push(`workerd: ${chunk}`));
      },
    });
    const url = (await mf.ready).href;
    return mirrored(url, probe, finishes, () => mf.dispose());
  },
};
