// Test helpers: a tiny HTTP/1.1 response reader and a raw socket client (loopback only).
import { connect } from 'node:net';

export interface WireResponse {
  status: number;
  /** The status line's reason phrase. */
  reason: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits a byte stream into responses (Content-Length, chunked, or close-delimited framing). */
export function parseResponses(data: Buffer, headMethods: boolean[] = []): WireResponse[] {
  const out: WireResponse[] = [];
  let pos = 0;
  while (pos < data.length) {
    const end = data.indexOf('\r\n\r\n', pos, 'latin1');
    if (end === -1) break;
    const lines = data.toString('latin1', pos, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const reason = lines[0].split(' ').slice(2).join(' ');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).toLowerCase();
      headers[name] =
        headers[name] === undefined
          ? line.slice(i + 1).trim()
          : `${headers[name]}, ${line.slice(i + 1).trim()}`;
    }
    pos = end + 4;
    let body: Buffer = Buffer.alloc(0);
    const interim = status < 200;
    const isHead = !interim && headMethods[out.filter((r) => r.status >= 200).length] === true;
    if (interim || isHead || status === 204 || status === 304) {
      // no content
    } else if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', pos, 'latin1');
        if (lineEnd === -1) return out;
        const size = Number.parseInt(data.toString('latin1', pos, lineEnd), 16);
        pos = lineEnd + 2;
        if (size === 0) {
          pos += 2;
          break;
        }
        parts.push(data.subarray(pos, pos + size));
        pos += size + 2;
      }
      body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      body = data.subarray(pos, pos + n);
      pos += n;
    } else {
      body = data.subarray(pos);
      pos = data.length;
    }
    out.push({ status, reason, headers, body });
  }
  return out;
}

export interface RawResult {
  data: Buffer;
  /** True when the server ended or reset the connection. */
  closed: boolean;
}

/**
 * Sends `input` and collects everything until the server closes, or until `quietMs` pass with
 * no new data once `until(data)` holds (the connection is then destroyed by us).
 */
export function roundTrip(
  port: number,
  input: Buffer | string,
  opts: { until?: (data: Buffer) => boolean; quietMs?: number; timeoutMs?: number; end?: boolean } = {},
): Promise<RawResult> {
  const quietMs = opts.quietMs ?? 40;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(quiet);
      clearTimeout(overall);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed });
    };
    const overall = setTimeout(() => finish(false), opts.timeoutMs ?? 3000);
    const check = () => {
      clearTimeout(quiet);
      if (opts.until?.(Buffer.concat(chunks))) quiet = setTimeout(() => finish(false), quietMs);
    };
    socket.on('connect', () => {
      socket.write(input);
      if (opts.end) socket.end();
      check();
    });
    socket.on('data', (d) => {
      chunks.push(d);
      check();
    });
    socket.on('end', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

export interface Client {
  write(data: string | Buffer): void;
  /** Everything received so far. */
  received(): Buffer;
  /** How many bytes were received so far (cheap). */
  length(): number;
  /** Resolves once `pred(received)` holds (rejects after `ms`). */
  waitFor(pred: (data: Buffer) => boolean, ms?: number): Promise<Buffer>;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
  destroy(): void;
  /** Stops / restarts reading from the socket (to build up backpressure on the server). */
  pause(): void;
  resume(): void;
  /** Half-closes: sends FIN, keeps reading. */
  end(): void;
  /** Aborts with a TCP RST, as a client that vanishes mid-response. */
  reset(): void;
}

/** A raw client connection for step-by-step conversations. */
export function openClient(port: number, host = '127.0.0.1'): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    let length = 0;
    const waiters = new Set<() => void>();
    let isClosed = false;
    const closed = new Promise<void>((r) => {
      socket.on('close', () => {
        isClosed = true;
        r();
        for (const w of waiters) w();
      });
    });
    socket.on('error', () => {});
    socket.on('data', (d) => {
      chunks.push(d);
      length += d.length;
      for (const w of waiters) w();
    });
    socket.on('connect', () =>
      resolve({
        write: (data) => socket.write(data),
        received: () => Buffer.concat(chunks),
        length: () => length,
        waitFor(pred, ms = 3000) {
          return new Promise((res, rej) => {
            const check = () => {
              const data = Buffer.concat(chunks);
              if (pred(data)) {
                waiters.delete(check);
                clearTimeout(timer);
                res(data);
              } else if (isClosed) {
                waiters.delete(check);
                clearTimeout(timer);
                rej(
                  new Error(`closed before condition held; got ${JSON.stringify(data.toString('latin1'))}`),
                );
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              rej(new Error(`timed out; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
            }, ms);
            waiters.add(check);
            check();
          });
        },
        closed,
        isClosed: () => isClosed,
        destroy: () => socket.destroy(),
        end: () => socket.end(),
        reset: () => socket.resetAndDestroy(),
        pause: () => socket.pause(),
        resume: () => socket.resume(),
      }),
    );
    socket.once('error', reject);
  });
}

export const count = (n: number) => (d: Buffer) => parseResponses(d).length >= n;
