// HTTPS on node:tls: real clients (node:https, node's fetch, curl), the same parser and limits
// behind the handshake, and clients that never finish one.
import { execFile } from 'node:child_process';
import { type RequestOptions, request } from 'node:https';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { promisify } from 'node:util';
import { bouncer, ConfigError } from '@bouncer/core';
import { makeCert, type TestCert } from '@bouncer/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RawServer, type RawServerOptions } from '../src/index';
import { parseResponses } from './_wire';

const run = promisify(execFile);
let cert: TestCert;
beforeAll(() => {
  cert = makeCert();
});
afterAll(() => cert.remove());

const servers: RawServer<any>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ deadline: 50 })));
});

const ORIGIN = 'https://app.example';

async function start(options: Partial<RawServerOptions<any>> = {}): Promise<number> {
  const server = createServer({
    onError: () => {},
    chain: bouncer({ securityHeaders: true, cors: { origin: [ORIGIN] }, requestId: true }, { logger: false }),
    handler: (req, res) => res.json({ path: req.path }),
    ...options,
    tls: { key: cert.key, cert: cert.cert, ...options.tls },
  });
  servers.push(server);
  return (await server.listen(0, '127.0.0.1')).port;
}

interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  alpn: string | false | null;
}

function get(port: number, path = '/hello'): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        path,
        ca: cert.cert,
        // Node's https client offers no ALPN by default; tls.connect passes this through.
        ALPNProtocols: ['http/1.1'],
        headers: { Origin: ORIGIN },
      } as RequestOptions,
      (res) => {
        const alpn = (res.socket as { alpnProtocol?: string | false }).alpnProtocol ?? null;
        let body = '';
        res.setEncoding('utf8').on('data', (s: string) => {
          body += s;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body,
            alpn,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a verified TLS connection, sends `input`, collects until the server closes. */
function tlsRoundTrip(
  port: number,
  input: string,
  alpn = ['http/1.1'],
): Promise<{ data: Buffer; alpn: string | false }> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({
      host: '127.0.0.1',
      servername: 'localhost',
      port,
      ca: cert.cert,
      ALPNProtocols: alpn,
    });
    const chunks: Buffer[] = [];
    socket.on('secureConnect', () => socket.write(input));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve({ data: Buffer.concat(chunks), alpn: socket.alpnProtocol ?? false }));
  });
}

/** A plain TCP client: sends `input` (if any) and resolves with what came back and how long the server took to close. */
function tcp(port: number, input?: Buffer | string): Promise<{ data: Buffer; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = connectTcp(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('connect', () => {
      if (input !== undefined) socket.write(input);
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => resolve({ data: Buffer.concat(chunks), ms: performance.now() - t0 }));
  });
}

describe('HTTPS (tls option)', () => {
  it('serves node:https over ALPN http/1.1; the chain sees https, so HSTS goes out', async () => {
    const port = await start();
    const r = await get(port);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ path: '/hello' });
    expect(r.alpn).toBe('http/1.1');
    expect(r.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(r.headers['keep-alive']).toBe('timeout=5');
  });

  it('serves curl, verifying the certificate with --cacert, whatever ALPN curl offers', async () => {
    const port = await start();
    const url = `https://localhost:${port}/curl`;
    const common = ['-sS', '--cacert', cert.certPath, '--resolve', `localhost:${port}:127.0.0.1`, '-D', '-'];
    for (const flags of [['--http1.1'], []]) {
      const { stdout } = await run('curl', [...common, ...flags, url]);
      expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(stdout).toMatch(/\r\nstrict-transport-security: max-age=\d+/i);
      expect(stdout.endsWith('{"path":"/curl"}')).toBe(true);
    }
    // Without the CA, curl refuses the certificate: the identity really is checked.
    await expect(run('curl', ['-sS', '--resolve', `localhost:${port}:127.0.0.1`, url])).rejects.toThrow();
  });

  it('serves node’s fetch (undici) trusting the certificate through NODE_EXTRA_CA_CERTS', async () => {
    const port = await start();
    const script =
      'const r = await fetch(process.argv[1]); ' +
      'console.log(JSON.stringify({ status: r.status, hsts: r.headers.get("strict-transport-security"), body: await r.text() }));';
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', script, `https://localhost:${port}/fetch`],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.certPath, NODE_OPTIONS: '' }, timeout: 15_000 },
    );
    const r = JSON.parse(stdout);
    expect(r.status).toBe(200);
    expect(r.hsts).toMatch(/^max-age=\d+/);
    expect(JSON.parse(r.body)).toEqual({ path: '/fetch' });
  });

  it('applies the same parser and limits behind the handshake', async () => {
    const port = await start({ maxHeaderSize: 512 });
    const big = await tlsRoundTrip(port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(600)}\r\n\r\n`);
    expect(parseResponses(big.data).map((r) => r.status)).toEqual([431]);
    const smuggle = await tlsRoundTrip(
      port,
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(parseResponses(smuggle.data).map((r) => r.status)).toEqual([400]);
    const pipelined = await tlsRoundTrip(
      port,
      'GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );
    expect(parseResponses(pipelined.data).map((r) => r.body.toString())).toEqual([
      '{"path":"/a"}',
      '{"path":"/b"}',
    ]);
    expect(pipelined.alpn).toBe('http/1.1');
  });

  it('answers 408 when a client finishes the handshake but sends no head (headersTimeout)', async () => {
    const port = await start({ headersTimeout: 150, requestTimeout: 1000 });
    const r = await tlsRoundTrip(port, '');
    expect(parseResponses(r.data).map((x) => x.status)).toEqual([408]);
  });

  it('drops a client that sends garbage or plain HTTP instead of a handshake, and keeps serving', async () => {
    const port = await start();
    const plain = await tcp(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(plain.data.toString('latin1')).not.toContain('HTTP/1.1');
    const noise = await tcp(port, Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) & 0xff)));
    expect(noise.data.includes('HTTP/1.1')).toBe(false);
    const r = await get(port);
    expect(r.status).toBe(200);
  });

  it('closes a connection whose handshake does not complete within handshakeTimeout', async () => {
    const port = await start({ tls: { handshakeTimeout: 200 } as RawServerOptions['tls'] });
    const silent = await tcp(port);
    expect(silent.data.length).toBe(0);
    expect(silent.ms).toBeGreaterThanOrEqual(150);
    expect(silent.ms).toBeLessThan(3000);
    // Half a ClientHello record, then silence.
    const partial = await tcp(port, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]));
    expect(partial.ms).toBeLessThan(3000);
    expect((await get(port)).status).toBe(200);
  });

  it('refuses a client that offers only h2 (no protocol in common)', async () => {
    const port = await start();
    await expect(tlsRoundTrip(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', ['h2'])).rejects.toThrow();
  });

  it('rejects bad tls options with a ConfigError naming the option', () => {
    const handler = () => {};
    const bad: unknown[] = [
      null,
      'cert.pem',
      {},
      { key: cert.key },
      { key: 'not a key', cert: 'not a cert' },
      { key: cert.key, cert: cert.cert, ALPNProtocols: ['h2'] },
      { key: cert.key, cert: cert.cert, handshakeTimeout: 0 },
    ];
    for (const tls of bad) {
      let error: unknown;
      try {
        createServer({ handler, tls: tls as RawServerOptions['tls'] });
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(tls)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option).toBe('tls');
    }
  });
});
