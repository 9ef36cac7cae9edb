import { createServer as createNodeServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RawServer } from '../src/index';
import { encode, request } from './_gen';
import { count, roundTrip } from './_wire';

interface Seen {
  method: string;
  target: string;
  rawHeaders: string[];
  distinct: Record<string, string[]>;
  body: string;
}

const RUNS = 150;

describe('differential: raw server vs node:http', () => {
  let raw: RawServer;
  let node: Server;
  let rawPort: number;
  let nodePort: number;
  let lastRaw: Seen | undefined;
  let lastNode: Seen | undefined;

  beforeAll(async () => {
    raw = createServer({
      async handler(req, res) {
        const body = Buffer.from(await req.bytes()).toString('base64');
        lastRaw = {
          method: req.method,
          target: req.target,
          rawHeaders: [...req.rawHeaders],
          distinct: { ...req.headersDistinct } as Record<string, string[]>,
          body,
        };
        res.end('ok');
      },
    });
    rawPort = (await raw.listen(0, '127.0.0.1')).port;
    node = createNodeServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        lastNode = {
          method: req.method!,
          target: req.url!,
          rawHeaders: req.rawHeaders,
          distinct: { ...req.headersDistinct } as Record<string, string[]>,
          body: Buffer.concat(parts).toString('base64'),
        };
        res.end('ok');
      });
    });
    await new Promise<void>((r) => node.listen(0, '127.0.0.1', r));
    nodePort = (node.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await raw.close({ deadline: 50 });
    node.closeAllConnections();
    await new Promise((r) => node.close(r));
  });

  it(`hands the handler the same method, target, headers and body (${RUNS} generated requests)`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const bytes = encode(r, 'Connection: close\r\n');
        lastRaw = lastNode = undefined;
        const [a, b] = await Promise.all([
          roundTrip(rawPort, bytes, { until: count(1) }),
          roundTrip(nodePort, bytes, { until: count(1) }),
        ]);
        expect(a.data.toString()).toContain(' 200 ');
        expect(b.data.toString()).toContain(' 200 ');
        expect(lastRaw).toEqual(lastNode);
      }),
      { numRuns: RUNS },
    );
  });
});
