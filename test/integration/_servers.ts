import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const STACKS = ['express', 'koa', 'hono', 'raw'] as const;
export type Stack = (typeof STACKS)[number];

export interface ExampleServer {
  stack: Stack;
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far (the store's outage warnings land here). */
  stderr(): string;
}

/** Starts `examples/<stack>/server.ts` in its own process on a free port; resolves at its "listening on" line (120 s at most: a busy machine starts a cold `tsx` process slowly). */
export function startExample(stack: Stack, env: Record<string, string>): Promise<ExampleServer> {
  const entry = fileURLToPath(new URL(`../../examples/${stack}/server.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@bouncer/source', '--import', 'tsx', entry], {
    env: { ...process.env, PORT: '0', ACCESS_LOG: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${stack}: not listening within 120 s\nstdout: ${out.slice(0, 500)}\nstderr: ${err}`));
    }, 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ stack, url: m[1], child, stderr: () => err });
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (err.length < 65_536) err += d.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${stack} exited (${code}) before listening\n${err}`));
    });
  });
}

export async function stopAll(servers: ExampleServer[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.child.exitCode !== null) return resolve();
          s.child.once('exit', () => resolve());
          s.child.kill('SIGTERM');
          setTimeout(() => s.child.kill('SIGKILL'), 3000).unref();
        }),
    ),
  );
}
