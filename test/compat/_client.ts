// A small HTTP/1.1 client over node:http that records everything a compatibility case compares:
// status, every field, the body bytes, when the head and the first byte arrived, and which
// keep-alive connection carried the exchange.
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { ORIGIN } from './_policy';

export interface Exchange {
  /** `METHOD path` as sent. */
  label: string;
  /** undefined when no answer came (reset, hang). */
  status?: number;
  /** Lower-case name → every value received, in order. */
  headers: Record<string, string[]>;
  body: Buffer;
  /** `ECONNRESET`, `timeout`, …: the transport failure, when there was one. */
  error?: string;
  /** Index of the connection in the order this client opened them. */
  connection: number;
  /** Milliseconds from sending the request to: the head, the first body byte, the end. */
  at: { head?: number; firstByte?: number; end?: number };
}

export interface Send {
  method?: string;
  headers?: Record<string, string | string[]>;
  /** The request body: sent with Content-Length, or chunked when given as several pieces. */
  body?: string | Buffer | (string | Buffer)[];
}

/** How long an answer may take before the exchange is recorded as `timeout`: a held keep-alive answer hangs. */
const ANSWER_TIMEOUT_MS = 3000;

/** Every request of one client goes over one keep-alive connection while the server keeps it open. */
export class Client {
  readonly exchanges: Exchange[] = [];
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly #sockets = new WeakMap<Socket, number>();
  readonly #open = new Set<Socket>();
  #opened = 0;

  /**
   * @param before runs before each request with the connections still open on this side; the
   *   harness waits there until a connection the server already closed is closed here too, so
   *   whether the next request reuses it does not depend on how fast the close was read.
   */
  constructor(
    readonly base: string,
    private readonly before: (open: Socket[]) => Promise<void> = async () => {},
  ) {}

  get(path: string, headers: Record<string, string | string[]> = {}): Promise<Exchange> {
    return this.send(path, { headers });
  }

  async send(path: string, { method = 'GET', headers = {}, body }: Send = {}): Promise<Exchange> {
    await this.before([...this.#open]);
    const started = performance.now();
    const since = () => Math.round(performance.now() - started);
    const exchange: Exchange = {
      label: `${method} ${path}`,
      headers: {},
      body: Buffer.alloc(0),
      connection: -1,
      at: {},
    };
    this.exchanges.push(exchange);
    const pieces = body === undefined ? [] : Array.isArray(body) ? body : [body];
    const framing: Record<string, string> =
      pieces.length === 1 ? { 'content-length': String(Buffer.byteLength(pieces[0])) } : {};
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const done = (error?: string) => {
        if (exchange.at.end !== undefined || exchange.error !== undefined) return;
        if (error) exchange.error = error;
        else exchange.at.end = since();
        exchange.body = Buffer.concat(chunks);
        resolve(exchange);
      };
      const req = request(`${this.base}${path}`, {
        method,
        agent: this.#agent,
        headers: { origin: ORIGIN, ...framing, ...headers },
        timeout: ANSWER_TIMEOUT_MS,
      });
      req.on('socket', (socket: Socket) => {
        let id = this.#sockets.get(socket);
        if (id === undefined) {
          id = this.#opened++;
          this.#sockets.set(socket, id);
          this.#open.add(socket);
          socket.once('close', () => this.#open.delete(socket));
        }
        exchange.connection = id;
      });
      req.on('timeout', () => {
        done('timeout');
        req.destroy();
      });
      req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      req.on('response', (res) => {
        exchange.at.head = since();
        exchange.status = res.statusCode;
        exchange.headers = res.headersDistinct as Record<string, string[]>;
        res.on('data', (chunk: Buffer) => {
          exchange.at.firstByte ??= since();
          chunks.push(chunk);
        });
        res.on('end', () => done());
        res.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
        res.on('aborted', () => done('aborted'));
      });
      for (const piece of pieces) req.write(piece);
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** The `name=value` pairs of an answer's Set-Cookie fields, ready for a Cookie request field. */
export function cookieOf(exchange: Exchange): string {
  return (exchange.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]).join('; ');
}
