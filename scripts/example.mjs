// `pnpm example <stack>`: starts one example server from source (PORT from the environment).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const stacks = ['express', 'koa', 'hono', 'raw'];
const stack = process.argv[2];
if (!stacks.includes(stack)) {
  console.error(`usage: pnpm example <${stacks.join('|')}>   (PORT=8080 to choose the port)`);
  process.exit(2);
}
const entry = `examples/${stack}/server.ts`;
if (!existsSync(entry)) throw new Error(`${entry} is missing`);
const child = spawn(process.execPath, ['--conditions=@bouncer/source', '--import', 'tsx', entry], {
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
