import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RawServer } from '../src/index';
import { CASES } from './_cases';
import { parseResponses, roundTrip } from './_wire';

let server: RawServer;
let port: number;
const errors: unknown[] = [];

beforeAll(async () => {
  server = createServer({
    keepAliveTimeout: 2000,
    onError: (e) => errors.push(e),
    async handler(req, res) {
      const body = await req.bytes();
      res.setHeader('X-Body-Length', String(body.byteLength));
      res.end('ok');
    },
  });
  ({ port } = await server.listen(0, '127.0.0.1'));
});

afterAll(() => server.close({ deadline: 100 }));

describe('raw server wire table (real socket, whole input)', () => {
  for (const c of CASES) {
    const statuses = c.served ? [c.served] : [...Array(c.ok).fill(200), ...(c.error ? [c.error] : [])];
    const closes = c.error !== undefined || c.close === true;
    it(`${c.name} → ${statuses.join(', ') || 'nothing'}${closes ? ' + close' : ''}`, async () => {
      const { data, closed } = await roundTrip(port, Buffer.from(c.input, 'latin1'), {
        until: (d) => parseResponses(d).length >= statuses.length,
      });
      const responses = parseResponses(data);
      expect(responses.map((r) => r.status)).toEqual(statuses);
      expect(closed).toBe(closes);
      if (closes) expect(responses.at(-1)?.headers.connection).toBe('close');
      for (const r of responses) {
        if (r.status >= 400) {
          expect(r.headers['content-length']).toBe(String(r.body.length));
          expect(r.headers['content-type']).toMatch(/^(application\/problem\+json|text\/plain)/);
        }
      }
    });
  }

  it('reported no unexpected errors', () => {
    expect(errors).toEqual([]);
  });
});
