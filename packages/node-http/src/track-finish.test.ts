import type { HostFinish } from '@bouncer/core/adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, type Served, serve } from './_raw';
import { trackFinish } from './track-finish';

// The finish record: body bytes as the socket wrote them for this response, and whether the
// response was cut short.

const open: Served[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function tracked(answer: (res: import('node:http').ServerResponse, n: number) => void) {
  const seen: HostFinish[] = [];
  let n = 0;
  const s = await serve((req, res) => {
    trackFinish(req, res, (info) => seen.push(info));
    answer(res, n++);
  });
  open.push(s);
  return { seen, port: s.port };
}
const get = (path = '/', close = true) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;

describe('trackFinish', () => {
  it('counts the body bytes of each response on a kept-alive socket, not the head', async () => {
    const { seen, port } = await tracked((res, n) => {
      res.setHeader('Content-Length', n === 0 ? '5' : '3');
      res.end(n === 0 ? 'hello' : 'abc');
    });
    await exchange(port, [get('/', false), get('/', true)], { gap: 50 });
    expect(seen).toEqual([
      { bytes: 5, aborted: false },
      { bytes: 3, aborted: false },
    ]);
  });

  it('counts the head in latin1, as Node writes it before a Buffer body', async () => {
    const { seen, port } = await tracked((res) => {
      res.setHeader('X-Place', 'caf\u00e9');
      res.setHeader('Content-Length', '2');
      res.end(Buffer.from('ok'));
    });
    await exchange(port, [get()]);
    expect(seen).toEqual([{ bytes: 2, aborted: false }]);
  });

  it('reports a response the client cut short as aborted', async () => {
    const { seen, port } = await tracked((res) => {
      res.write('partial');
    });
    await exchange(port, [get()], { idle: 50 });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toHaveLength(1);
    expect(seen[0].aborted).toBe(true);
  });
});
