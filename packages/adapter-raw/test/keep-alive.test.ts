// `Keep-Alive: timeout=N` (as node:http sends it) tells clients that pool idle sockets how long
// the server keeps them, so they stop reusing one before the server's idle timer closes it.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type RawServer, type RawServerOptions } from '../src/index';
import { count, parseResponses, roundTrip } from './_wire';

const servers: RawServer<any>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ deadline: 50 })));
});

async function start(
  options: Partial<RawServerOptions<any>> = {},
): Promise<{ port: number; server: RawServer }> {
  const server = createServer({ onError: () => {}, handler: (_req, res) => res.end('ok'), ...options });
  servers.push(server);
  return { port: (await server.listen(0, '127.0.0.1')).port, server };
}

const GET = (extra = '') => `GET / HTTP/1.1\r\nHost: a\r\n${extra}\r\n`;

describe('Keep-Alive field', () => {
  it('persistent answers carry Keep-Alive: timeout in whole seconds, as node:http sends it', async () => {
    const { port } = await start();
    const { data } = await roundTrip(port, GET(), { until: count(1) });
    expect(parseResponses(data)[0].headers['keep-alive']).toBe('timeout=5');

    const other = await start({ keepAliveTimeout: 1500, maxRequestsPerSocket: 3 });
    const r = await roundTrip(other.port, GET(), { until: count(1) });
    expect(parseResponses(r.data)[0].headers['keep-alive']).toBe('timeout=1, max=3');
  });

  it('is absent on closing answers, when keepAliveTimeout is 0, and when the app set its own', async () => {
    const { port } = await start({
      handler: (req, res) => {
        if (req.path === '/own') res.setHeader('Keep-Alive', 'timeout=2');
        res.end('ok');
      },
    });
    const closing = await roundTrip(port, GET('Connection: close\r\n'), { until: count(1) });
    expect(parseResponses(closing.data)[0].headers['keep-alive']).toBeUndefined();
    const own = await roundTrip(port, 'GET /own HTTP/1.1\r\nHost: a\r\n\r\n', { until: count(1) });
    expect(parseResponses(own.data)[0].headers['keep-alive']).toBe('timeout=2');

    const off = await start({ keepAliveTimeout: 0 });
    const r = await roundTrip(off.port, GET(), { until: count(1) });
    expect(parseResponses(r.data)[0].headers['keep-alive']).toBeUndefined();
  });

  it('HTTP/1.0 keep-alive answers say Connection: keep-alive and Keep-Alive', async () => {
    const { port } = await start();
    const { data } = await roundTrip(port, 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', {
      until: count(1),
    });
    const r = parseResponses(data)[0];
    expect(r.headers.connection).toBe('keep-alive');
    expect(r.headers['keep-alive']).toBe('timeout=5');
  });

  it('a pooling client (node fetch) never reuses a socket the server is closing at the idle boundary', async () => {
    const ports: number[] = [];
    const { port } = await start({
      keepAliveTimeout: 1000,
      handler: (req, res) => {
        ports.push(req.remotePort);
        res.end('ok');
      },
    });
    const url = `http://127.0.0.1:${port}/`;
    const failures: unknown[] = [];
    // Four clients in parallel, each waiting about the idle timeout between its requests.
    const waits = [1000, 999, 1000, 1001, 1000];
    await Promise.all(
      [0, 0, 1, 2].map(async (shift) => {
        for (const wait of waits) {
          try {
            const res = await fetch(url);
            expect(await res.text()).toBe('ok');
          } catch (error) {
            failures.push((error as { cause?: { code?: string } }).cause?.code ?? error);
          }
          await sleep(wait + shift);
        }
      }),
    );
    expect(failures).toEqual([]);
    // undici keeps an idle socket for the announced timeout less its 1 s margin, here none:
    // every request after an idle second went on a fresh connection, none on a closing one.
    expect(ports).toHaveLength(20);
    expect(new Set(ports).size).toBe(20);
  }, 15_000);
});
