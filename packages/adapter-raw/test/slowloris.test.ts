import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RawServer } from '../src/index';
import { type Client, count, openClient, parseResponses } from './_wire';

const SLOW = 200;

describe('slow clients', () => {
  let server: RawServer;
  let port: number;
  beforeAll(async () => {
    server = createServer({
      headersTimeout: 500,
      requestTimeout: 1000,
      handler: (_q, res) => res.end('fast'),
    });
    ({ port } = await server.listen(0, '127.0.0.1'));
  });
  afterAll(() => server.close({ deadline: 100 }));

  it(`${SLOW} slowloris connections do not stop a normal client, and each is closed by its own timer`, async () => {
    const slow: Client[] = [];
    for (let i = 0; i < SLOW; i++) {
      const c = await openClient(port);
      c.write('GET / HTTP/1.1\r\nHost: a\r\n');
      slow.push(c);
    }
    let dripping = true;
    const drip = (async () => {
      // Each slow client keeps sending a header line well inside any idle timeout.
      for (let round = 0; dripping && round < 40; round++) {
        await sleep(100);
        for (const c of slow) if (!c.isClosed()) c.write(`X-Drip-${round}: 1\r\n`);
      }
    })();
    const normal = await openClient(port);
    normal.write('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const data = await normal.waitFor(count(1), 1000);
    expect(parseResponses(data)[0].body.toString()).toBe('fast');
    await Promise.all(slow.map((c) => c.closed));
    dripping = false;
    await drip;
    for (const c of slow) expect(parseResponses(c.received()).map((r) => r.status)).toEqual([408]);
    expect(server.connections).toBeLessThanOrEqual(1);
  });
});
