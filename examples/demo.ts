// `pnpm demo`: starts the four example servers with the one shared policy, plays the same
// scenario against each, and prints one row per step and one column per stack. Any difference
// between stacks is printed in red and makes the command exit non-zero.
// `pnpm demo --keep` leaves the servers running and prints their URLs.
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { POLICY_HEADERS } from '@bouncer/conformance';
import { mintTokens, type Reply, type Send, steps } from './demo-steps';

const STACKS = ['express', 'koa', 'hono', 'raw'] as const;
type Stack = (typeof STACKS)[number];

/** Headers the bouncer sets (the conformance kit's list): identical across stacks, volatile values masked. */
const BOUNCER_HEADERS = [...POLICY_HEADERS, 'server-timing', 'x-echo'];

const tty = process.stdout.isTTY === true;
const red = (s: string) => (tty ? `\x1b[31m${s}\x1b[0m` : s);
const green = (s: string) => (tty ? `\x1b[32m${s}\x1b[0m` : s);
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s);

function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${message}`);
  else process.stderr.write(`${message}\n`);
}

function startServer(stack: Stack, children: ChildProcess[]): Promise<string> {
  const entry = fileURLToPath(new URL(`./${stack}/server.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@bouncer/source', '--import', 'tsx', entry], {
    env: { ...process.env, PORT: '0', ACCESS_LOG: process.env.ACCESS_LOG ?? '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`${stack}: no "listening on" line within 30 s\n${err}`)),
      30_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${stack} exited with ${code} before listening\n${err}`));
    });
  });
}

function sender(base: string): Send {
  return (method, path, init = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const url = new URL(path, base);
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined && !init.chunked)
        headers['content-length'] = String(Buffer.byteLength(init.body));
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method, headers, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ status: res.statusCode ?? 0, headers: h, body });
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      // A server that answers 413 and closes while we still send is fine: the answer is what counts.
      req.on('error', reject);
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });
}

/** The comparable form of a reply: status and bouncer headers, volatile values masked. */
function comparable(r: Reply): string {
  const parts = [String(r.status)];
  for (const name of BOUNCER_HEADERS) {
    let v = r.headers[name];
    if (v === undefined) continue;
    if (name === 'x-request-id') v = '<id>';
    if (name === 'server-timing') v = v.replace(/dur=[\d.]+/g, 'dur=<ms>');
    if (name === 'ratelimit' || name === 'retry-after')
      v = v.replace(/t=\d+/, 't=<s>').replace(/^\d+$/, '<s>');
    if (name === 'content-security-policy') v = v.replace(/'nonce-[^']+'/g, "'nonce-<n>'");
    parts.push(`${name}: ${v}`);
  }
  // The bouncer's own answers are problem+json; an application's body type is its framework's business.
  const type = r.headers['content-type'] ?? '';
  if (type.startsWith('application/problem+json')) parts.push(`content-type: ${type}`);
  return parts.join('\n');
}

function cell(r: Reply, show?: string): string {
  const v = show ? r.headers[show] : undefined;
  const text = v === undefined ? String(r.status) : `${r.status} ${v}`;
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

async function main() {
  const keep = process.argv.includes('--keep');
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  // Ctrl-C, `kill` or a supervisor: the four servers go down with the demo, never orphaned.
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    stop();
    console.error(`\ndemo: ${signal}, servers stopped`);
    process.exit(code);
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
  try {
    let started = 0;
    progress(`starting ${STACKS.length} servers…`);
    const urls = await Promise.all(
      STACKS.map(async (s) => {
        const url = await startServer(s, children);
        progress(`starting servers… ${++started}/${STACKS.length} up`);
        return url;
      }),
    );
    const tokens = await mintTokens();
    const rows: { title: string; replies: Reply[]; agree: boolean; expected: boolean; expect: number }[] = [];
    for (const [i, step] of steps.entries()) {
      progress(`step ${i + 1}/${steps.length}: ${step.title}`);
      const replies = await Promise.all(urls.map((u) => step.run(sender(u), tokens)));
      const forms = replies.map(comparable);
      rows.push({
        title: step.title,
        replies,
        agree: forms.every((f) => f === forms[0]),
        expected: replies.every((r) => r.status === step.expect),
        expect: step.expect,
      });
      (rows.at(-1) as { show?: string }).show = step.show;
    }
    progress('');
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');

    const w0 = Math.max(...rows.map((r) => r.title.length)) + 2;
    const w = 26;
    console.log(`${'step'.padEnd(w0)}${STACKS.map((s) => s.padEnd(w)).join('')}agree`);
    console.log('-'.repeat(w0 + w * STACKS.length + 5));
    let differences = 0;
    for (const row of rows) {
      const show = (row as { show?: string }).show;
      const cells = row.replies.map((r) => cell(r, show).padEnd(w));
      const ok = row.agree && row.expected;
      if (!ok) differences++;
      const line = `${row.title.padEnd(w0)}${cells.join('')}${row.agree ? (row.expected ? green('yes') : red(`yes, but expected ${row.expect}`)) : red('NO')}`;
      console.log(ok ? line : red(line));
      if (!row.agree) {
        const forms = row.replies.map(comparable);
        for (const [j, f] of forms.entries())
          if (f !== forms[0])
            console.log(
              red(
                `    ${STACKS[j]} differs from ${STACKS[0]}:\n      ${f.replace(/\n/g, '\n      ')}\n    vs\n      ${forms[0].replace(/\n/g, '\n      ')}`,
              ),
            );
      }
    }
    console.log(
      differences === 0
        ? green(
            `\nAll ${STACKS.length} stacks agree on all ${rows.length} steps (status and bouncer headers, byte for byte).`,
          )
        : red(`\n${differences} step(s) differ between stacks or from the expected status.`),
    );
    console.log(
      dim('Cells show the status and one key header; "agree" compares status + every bouncer header.'),
    );
    if (keep) {
      console.log('\nServers are up (Ctrl-C to stop):');
      for (const [i, s] of STACKS.entries()) console.log(`  ${s.padEnd(8)} ${urls[i]}`);
      console.log(`\nTry: curl -i ${urls[0]}/health`);
      await new Promise(() => {});
    }
    process.exitCode = differences === 0 ? 0 : 1;
  } catch (error) {
    progress('');
    console.error(red(String(error instanceof Error ? error.stack : error)));
    process.exitCode = 1;
  } finally {
    if (!keep) stop();
  }
}

await main();
