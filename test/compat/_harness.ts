// One harness for every case: serve the same app twice, unguarded and behind Bouncer, play the same
// requests against each, and diff what a client and the application's own code could observe.
import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'vitest';
import { Client, type Exchange } from './_client';
import { MERGED, REMOVED, STAMPED } from './_policy';

/** What one run of a case hands the application it builds. */
export class Side {
  /** What the application recorded (`headersSent`, `write()`'s result, event order): compared across runs. */
  readonly log: unknown[] = [];

  constructor(readonly guarded: boolean) {}

  note(label: string, value?: unknown): void {
    this.log.push(value === undefined ? label : [label, value]);
  }

  /** Records the response's 'finish' and 'close' events, in the order they come. */
  watch(res: EventEmitter, label = 'res'): void {
    res.once('finish', () => this.note(`${label} finish`));
    res.once('close', () => this.note(`${label} close`));
  }
}

export interface Served {
  url: string;
  /** Resolves once every response the server started has closed, so late events are in the log. */
  settle(): Promise<void>;
  /** Whether the server has closed its end of the connection from this client port. */
  closed?(clientPort: number): boolean;
  close(): Promise<void>;
}

/** Rewrites a header value that legitimately differs between two runs (a session id, a timestamp). */
export type Normalise = (name: string, value: string) => string;

export interface Case {
  /** Builds and starts the application; mounts Bouncer only when `side.guarded`. */
  serve(side: Side): Promise<Served>;
  /** The requests, in order; later ones may use earlier answers (cookies, validators). */
  script(client: Client, side: Side): Promise<void>;
  normalise?: Normalise;
  /** Exchanges answered by an app that never mounts Bouncer: every field must equal, Bouncer's too. */
  unguarded?: (exchange: Exchange) => boolean;
}

export interface Run {
  exchanges: Exchange[];
  log: unknown[];
}

/**
 * Runs `c` unguarded, then guarded, and asserts: the same status, body bytes, transport outcome and
 * connection reuse per exchange; the same fields apart from Bouncer's own (after `normalise`); the
 * same application log; and Bouncer's fields on every guarded answer. Returns both runs for the
 * case's own checks (timing, content).
 */
export async function compare(c: Case): Promise<{ plain: Run; guarded: Run }> {
  const plain = await play(c, new Side(false));
  const guarded = await play(c, new Side(true));
  const own = (e: Exchange) => (c.unguarded?.(e) ? DATE : OWN);
  const view = (run: Run) => ({
    exchanges: run.exchanges.map((e) => visible(e, own(e), c.normalise)),
    log: run.log,
  });
  // Failures are spelt out as lines in the message itself, which every reporter keeps.
  const differ = differences(view(plain), view(guarded));
  if (differ.length > 0) expect.fail(`with Bouncer vs without (${differ.length}):\n${differ.join('\n')}`);
  expect(view(guarded)).toEqual(view(plain));
  const missing = guarded.exchanges
    .filter((e) => !c.unguarded?.(e))
    .flatMap((e) => stampProblems(e, plain.exchanges[guarded.exchanges.indexOf(e)]));
  if (missing.length > 0) expect.fail(`Bouncer's own fields on the guarded answers:\n${missing.join('\n')}`);
  return { plain, guarded };
}

async function play(c: Case, side: Side): Promise<Run> {
  const served = await c.serve(side);
  const client = new Client(served.url, async (open) => {
    await served.settle();
    await until(() => open.every((socket) => socket.destroyed || !served.closed?.(socket.localPort!)));
  });
  try {
    await c.script(client, side);
    await served.settle();
  } finally {
    client.close();
    await served.close();
  }
  return { exchanges: client.exchanges, log: side.log };
}

const DATE = new Set(['date']);
const OWN = new Set<string>([...STAMPED, ...REMOVED, ...Object.keys(MERGED), 'date']);

/** Everything about an exchange that must not depend on Bouncer being there: all but the `skip` fields. */
function visible(e: Exchange, skip: Set<string>, normalise: Normalise = (_n, v) => v) {
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(e.headers).sort(([a], [b]) => a.localeCompare(b))) {
    if (!skip.has(name)) headers[name] = values.map((v) => normalise(name, v));
  }
  const text = e.body.toString('utf8');
  return {
    label: e.label,
    status: e.status,
    error: e.error,
    connection: e.connection,
    headers,
    body: Buffer.from(text, 'utf8').equals(e.body) ? text : `base64:${e.body.toString('base64')}`,
  };
}

type View = { exchanges: ReturnType<typeof visible>[]; log: unknown[] };

/** `where: without → with` for every leaf that differs; the log from its first divergence. */
function differences(plain: View, guarded: View): string[] {
  const out: string[] = [];
  const show = (v: unknown) => {
    const text = JSON.stringify(v) ?? 'undefined';
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  };
  const walk = (where: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
        walk(`${where}.${key}`, (a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
    } else out.push(`${where}: ${show(a)} → ${show(b)}`);
  };
  const count = Math.max(plain.exchanges.length, guarded.exchanges.length);
  for (let i = 0; i < count; i++) {
    const label = plain.exchanges[i]?.label ?? guarded.exchanges[i]?.label;
    const [a, b] = [plain.exchanges[i], guarded.exchanges[i]];
    // One side got no answer: its missing fields say nothing more than that.
    const lost = a?.status === undefined || b?.status === undefined;
    const brief = (e: typeof a) =>
      e && { status: e.status, error: e.error, connection: e.connection, body: e.body };
    walk(`#${i + 1} ${label}`, lost ? brief(a) : a, lost ? brief(b) : b);
  }
  const first = plain.log.findIndex((entry, i) => JSON.stringify(entry) !== JSON.stringify(guarded.log[i]));
  const diverges = first === -1 && guarded.log.length > plain.log.length ? plain.log.length : first;
  if (diverges !== -1)
    out.push(
      `log from entry ${diverges}: ${show(plain.log.slice(diverges, diverges + 4))} → ${show(guarded.log.slice(diverges, diverges + 4))}`,
    );
  return out;
}

/** What is wrong with Bouncer's part of a guarded answer, given the unguarded answer to the same request. */
function stampProblems(guarded: Exchange, plain: Exchange | undefined): string[] {
  if (guarded.status === undefined || !plain) return []; // no answer: the diff above already fails
  const problems: string[] = [];
  const at = `${guarded.label}:`;
  for (const name of STAMPED) {
    const mine = guarded.headers[name];
    const theirs = plain.headers[name];
    if (theirs && JSON.stringify(mine) !== JSON.stringify(theirs))
      problems.push(`${at} ${name} is ${mine}, the application's ${theirs} should win`);
    if (!theirs && !mine?.[0]) problems.push(`${at} ${name} missing`);
  }
  for (const name of REMOVED) if (guarded.headers[name]) problems.push(`${at} ${name} not removed`);
  for (const [name, added] of Object.entries(MERGED)) {
    const tokens = (e: Exchange) =>
      (e.headers[name] ?? []).flatMap((v) => v.split(',').map((t) => t.trim().toLowerCase())).filter(Boolean);
    const want = [...new Set([...tokens(plain), ...added])].sort();
    const got = [...new Set(tokens(guarded))].sort();
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`${at} ${name} is [${got}], want [${want}]`);
  }
  return problems;
}

/** Starts a node:http server (Express, Koa, @hono/node-server) on 127.0.0.1 and tracks its responses. */
export async function listen(server: Server): Promise<Served> {
  const open = new Set<EventEmitter>();
  server.on('request', (_req, res: EventEmitter) => {
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  const connections = new Map<number, Socket>();
  server.on('connection', (socket: Socket) => {
    connections.set(socket.remotePort!, socket);
  });
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    settle: () => until(() => open.size === 0),
    closed: (port) => {
      const socket = connections.get(port);
      return socket !== undefined && (socket.destroyed || socket.writableEnded);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `ready` every few milliseconds, for at most `ms`. */
export async function until(ready: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

/** Replaces the value of the named cookies in Set-Cookie fields (session ids differ per run). */
export function cookieValues(...names: string[]): Normalise {
  const pattern = new RegExp(`^(${names.join('|')})=[^;]*`);
  return (name, value) => (name === 'set-cookie' ? value.replace(pattern, '$1=<value>') : value);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
