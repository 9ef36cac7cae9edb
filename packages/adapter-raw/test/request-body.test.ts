import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type RawServer, Router } from '../src/index';

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close({ deadline: 500 });
  server = undefined;
});

async function post(body: string | Uint8Array<ArrayBuffer>) {
  const router = new Router();
  router.post('/orders', async (req, res) => res.json({ order: await req.json() }, 201));
  server = createServer({ handler: router.handle });
  const { port } = await server.listen(0, '127.0.0.1');
  const res = await fetch(`http://127.0.0.1:${port}/orders`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('request body helpers', () => {
  it('parses a JSON body', async () => {
    const r = await post('{"sku":"team"}');
    expect(r).toEqual({
      status: 201,
      type: 'application/json; charset=utf-8',
      body: '{"order":{"sku":"team"}}',
    });
  });

  it('answers malformed JSON with a 400 problem, as every other stack does', async () => {
    const r = await post('{"sku":');
    expect(r.status).toBe(400);
    expect(r.type).toBe('application/problem+json');
  });

  it('answers a body that is not UTF-8 with a 400 problem', async () => {
    const r = await post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(r.status).toBe(400);
  });
});
