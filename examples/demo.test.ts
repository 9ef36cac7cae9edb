import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('./demo.ts', import.meta.url));
const running: ChildProcess[] = [];

function startDemo(args: string[] = []) {
  const child = spawn(process.execPath, ['--conditions=@bouncer/source', '--import', 'tsx', DEMO, ...args], {
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out, errors: () => err };
}

function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Whatever a failed test left running goes at the end (each test stops its own demo otherwise).
afterAll(() => {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('pnpm demo', () => {
  it('plays every step on the four stacks, which agree, and exits 0', async () => {
    const demo = startDemo();
    const code = await demo.exited;
    expect(demo.errors()).not.toMatch(/Error/);
    expect(demo.output()).toMatch(/All 4 stacks agree on all \d+ steps/);
    expect(code).toBe(0);
  }, 120_000);

  // Concurrent: two demos on free ports, each stopping only its own processes.
  it.concurrent.each(['SIGTERM', 'SIGINT'] as const)(
    'stops its four servers on %s (--keep)',
    async (signal) => {
      const demo = startDemo(['--keep']);
      await until(() => /Servers are up/.test(demo.output()) && /Try: curl/.test(demo.output()), 90_000);
      const urls = [...demo.output().matchAll(/^\s+(?:express|koa|hono|raw)\s+(http:\/\/\S+)$/gm)].map(
        (m) => m[1],
      );
      expect(urls).toHaveLength(4);
      for (const url of urls) expect(await refusesConnections(url)).toBe(false);
      demo.child.kill(signal);
      expect(await demo.exited).toBe(signal === 'SIGTERM' ? 143 : 130);
      // The servers exit on their own SIGTERM; give them a moment to close their listeners.
      const closed = async () => (await Promise.all(urls.map(refusesConnections))).every(Boolean);
      const end = Date.now() + 10_000;
      while (!(await closed())) {
        if (Date.now() > end) throw new Error(`servers still listening after ${signal}: ${urls.join(' ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    120_000,
  );
});
