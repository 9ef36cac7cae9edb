// The README's code is these files: each marked block must equal its file (the type-check phase
// of the test command compiles them), and each quickstart must start and guard its routes.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');
const SNIPPET = /<!-- snippet: (\S+) -->\n```ts\n([\s\S]*?)```/g;
const snippets = [...README.matchAll(SNIPPET)].map((m) => ({ path: m[1], code: m[2] }));

/** A quickstart imports the policy from beside it in the README, from `examples/` in the repo. */
const asInReadme = (path: string, code: string) =>
  path.startsWith('examples/quickstart/') ? code.replaceAll("from '../policy'", "from './policy'") : code;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function get(url: string, deadline: number): Promise<Response> {
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('README snippets', () => {
  it('marks the policy and the four quickstarts', () => {
    expect(snippets.map((s) => s.path)).toEqual([
      'examples/policy.ts',
      'examples/quickstart/express.ts',
      'examples/quickstart/koa.ts',
      'examples/quickstart/hono.ts',
      'examples/quickstart/raw.ts',
    ]);
  });

  it.each(snippets)('$path in the README is the file, byte for byte', ({ path, code }) => {
    expect(code).toBe(asInReadme(path, readFileSync(ROOT + path, 'utf8')));
  });

  it.concurrent.each(['express', 'koa', 'hono', 'raw'])(
    'the %s quickstart starts and guards its routes',
    async (stack) => {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        ['--conditions=@bouncer/source', '--import', 'tsx', `${ROOT}examples/quickstart/${stack}.ts`],
        { env: { ...process.env, PORT: String(port), ACCESS_LOG: '0' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      try {
        const base = `http://127.0.0.1:${port}`;
        const health = await get(`${base}/health`, Date.now() + 60_000);
        expect(await health.json()).toEqual({ status: 'ok' });
        expect(health.headers.get('x-frame-options')).toBe('DENY');
        expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        const me = await fetch(`${base}/me`);
        expect(me.status).toBe(401);
        expect(me.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
      } catch (error) {
        throw new Error(`${stack} quickstart: ${String(error)}\n${stderr}`);
      } finally {
        child.kill('SIGTERM');
      }
    },
    90_000,
  );
});
