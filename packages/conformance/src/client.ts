import { request as httpRequest } from 'node:http';
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
