import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { HttpResult, RequestInit2 } from './types';

/** A plain node:http request with a hard deadline, so a broken adapter fails a case instead of hanging it. */
export function request(
  base: string,
  method: string,
  path: string,
  init: RequestInit2 = {},
): Promise<HttpResult> {
  const url = new URL(path, base);
  return new Promise<HttpResult>((resolve, reject) => {
    const headers: Record<string, string> = { ...init.headers };
    if (
      init.body !== undefined &&
      headers['content-length'] === undefined &&
      headers['transfer-encoding'] === undefined
    ) {
      headers['content-length'] = String(Buffer.byteLength(init.body));
    }
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
        agent: init.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(deadline);
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({
            status: res.statusCode ?? 0,
            headers: out,
            body: Buffer.concat(chunks),
            reusedSocket: req.reusedSocket,
          });
        });
      },
    );
    const deadline = setTimeout(
      () => req.destroy(new Error(`${method} ${path}: no response within 10 s`)),
      10_000,
    );
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    if (init.abortAfter !== undefined) {
      setTimeout(() => {
        clearTimeout(deadline);
        req.destroy();
        resolve({ status: 0, headers: {}, body: Buffer.alloc(0), reusedSocket: false });
      }, init.abortAfter);
    }
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

export interface RawResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** True when the server closed the connection. */
  closed: boolean;
}

/**
 * Writes `parts` as they are on one socket (each after `gap` ms) and reads one answer: for bytes
 * no HTTP client would send. Resolves when an answer's head and declared body are in, the
 * server closes, or `deadline` ms pass (status 0 if nothing came).
 */
export function rawRequest(
  base: string,
  parts: readonly (string | Buffer)[],
  options: { gap?: number; deadline?: number } = {},
): Promise<RawResult> {
  const url = new URL(base);
  // An answer to HEAD has no body whatever its Content-Length says (RFC 9110 §9.3.2).
  const headRequest = String(parts[0] ?? '').startsWith('HEAD ');
  return new Promise<RawResult>((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseAnswer(data), closed });
    };
    const timer = setTimeout(() => finish(false), options.deadline ?? 5000);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseAnswer(data);
      const length = Number(parsed.headers['content-length'] ?? Number.NaN);
      const complete = headRequest || (Number.isFinite(length) && parsed.body.length >= length);
      if (parsed.status > 0 && complete) finish(false);
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    (async () => {
      for (const part of parts) {
        if (settled || socket.destroyed) return;
        socket.write(part);
        if (options.gap) await new Promise((r) => setTimeout(r, options.gap));
      }
    })();
  });
}

function parseAnswer(data: Buffer): Omit<RawResult, 'closed'> {
  const split = data.indexOf('\r\n\r\n');
  if (split === -1) return { status: 0, headers: {}, body: Buffer.alloc(0) };
  const lines = data.subarray(0, split).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? 0);
  return { status, headers, body: data.subarray(split + 4) };
}
