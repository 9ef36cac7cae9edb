// Child processes of a run (servers, wrk), all killed when the harness ends: normally, on an
// error, or on Ctrl-C. Servers also exit by themselves when their stdin closes (see `announce`).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

/** Kills every tracked child when this process exits or is interrupted (call once, from the CLI). */
export function killChildrenOnExit(): void {
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.stderr.write(`\nbench: ${signal}, servers stopped\n`);
      process.exit(130);
    });
  }
}

/** Registers a child to be killed with the harness. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface RunningServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const SERVERS_DIR = fileURLToPath(new URL('../servers/', import.meta.url));

/** Starts `bench/servers/<script>` in its own Node process and waits for its `port=` line. */
export async function startServer(
  script: string,
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<RunningServer> {
  const child = track(
    spawn(
      process.execPath,
      // After `run.ts` has built the packages, Bouncer resolves to its `dist/` (as users run it),
      // not to `src/` through tsx, whose transpile adds a `__name()` call to every per-request
      // closure. Tests of the harness itself run from source.
      [
        ...(process.env.BOUNCER_BENCH_BUILT === '1' ? [] : ['--conditions=@bouncer/source']),
        '--import',
        'tsx',
        SERVERS_DIR + script,
        ...args,
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, NODE_ENV: 'production' },
      },
    ),
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-4000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} did not start: ${error.message}\n${stderr.trim()}`));
    };
    child.once('exit', (code, signal) => fail(new Error(`exited (${signal ?? code})`)));
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /port=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(Number(m[1]));
      }
    });
  });
  return {
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to completion, collecting stdout (killed with the harness). */
export async function runCommand(
  cmd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv } = {},
) {
  const child = track(
    spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
