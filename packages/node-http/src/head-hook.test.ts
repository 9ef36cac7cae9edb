import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, headOf, type Served, serve } from './_raw';
import { onResponseHead } from './head-hook';

// The hook must leave the head exactly as Node writes it without the hook, whatever form the
// fields given to writeHead take: each case runs on a plain server and on a hooked one, and the
// two heads are compared byte for byte.

const open: Served[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function heads(
  answer: (res: ServerResponse) => void,
): Promise<{ plain: string; hooked: string; fired: number }> {
  let fired = 0;
  const plain = await serve((_req, res) => answer(res));
  const hooked = await serve((_req, res) => {
    onResponseHead(res, () => {
      fired++;
    });
    answer(res);
  });
  open.push(plain, hooked);
  const get = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  return {
    plain: headOf(await exchange(plain.port, [get])),
    hooked: headOf(await exchange(hooked.port, [get])),
    fired,
  };
}

describe('onResponseHead: the head on the wire is the one Node writes without the hook', () => {
  it.each<[string, (res: ServerResponse) => void]>([
    ['an object of fields', (res) => res.writeHead(201, { 'X-A': '1', 'x-b': ['2', '3'] }).end('x')],
    [
      'a flat list on a bare response',
      (res) => res.writeHead(200, ['x-a', '1', 'x-a', '2', 'set-cookie', 'a=1', 'set-cookie', 'b=2']).end(),
    ],
    [
      'a flat list after setHeader',
      (res) => {
        res.setHeader('x-pre', 'p');
        res.setHeader('x-a', '0');
        res.writeHead(200, ['x-a', '1', 'x-a', '2']).end();
      },
    ],
    [
      'a list of pairs',
      (res) =>
        res
          .writeHead(200, [
            ['x-a', '1'],
            ['x-b', '2'],
          ] as never)
          .end(),
    ],
    ['a status message and a list', (res) => res.writeHead(200, 'Fine Thanks', ['x-a', '1']).end()],
    ['a status message alone', (res) => res.writeHead(202, 'Later').end()],
    [
      'the implicit head of end()',
      (res) => {
        res.statusCode = 203;
        res.setHeader('x-a', '1');
        res.end('body');
      },
    ],
    ['an empty list', (res) => res.writeHead(204, []).end()],
  ])('with %s', async (_what, answer) => {
    const { plain, hooked, fired } = await heads(answer);
    expect(hooked).toBe(plain);
    expect(fired).toBe(1);
  });

  it.each<[string, unknown[]]>([
    ['an undefined value in an object', [200, { 'x-a': undefined, 'x-b': '1' }]],
    ['an empty name in an object', [200, { '': 'z', 'x-b': '1' }]],
    ['an empty name in a list', [200, ['', 'z', 'x-b', '1']]],
    ['an empty name in a list after setHeader', [200, ['', 'z', 'x-b', '1']]],
  ])('handles %s as Node does without the hook', async (what, args) => {
    const codes: Record<string, string | undefined> = {};
    const raws: string[] = [];
    for (const hooked of [false, true]) {
      const s = await serve((_req, res) => {
        if (what.endsWith('after setHeader')) res.setHeader('x-pre', 'p');
        if (hooked) onResponseHead(res, () => {});
        try {
          (res.writeHead as (...a: unknown[]) => void)(...args);
          codes[String(hooked)] = 'none';
        } catch (error) {
          codes[String(hooked)] = (error as { code?: string }).code;
        }
        res.end();
      });
      open.push(s);
      raws.push(headOf(await exchange(s.port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])));
    }
    expect(codes.true).toBe(codes.false);
    expect(raws[1]).toBe(raws[0]);
  });

  it('refuses a flat list of odd length, as Node does', async () => {
    const errors: string[] = [];
    const s = await serve((_req, res) => {
      onResponseHead(res, () => {});
      try {
        res.writeHead(200, ['x-a']);
      } catch (error) {
        errors.push((error as Error).message);
      }
      res.end();
    });
    open.push(s);
    await exchange(s.port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(errors).toEqual(['writeHead(): the headers array is malformed']);
  });

  it('runs the listener once, before the head is written, so it may still change it', async () => {
    let calls = 0;
    const s = await serve((_req, res) => {
      onResponseHead(res, () => {
        calls++;
        res.setHeader('x-from-hook', String(res.statusCode));
        res.statusCode = 299;
      });
      res.writeHead(200, { 'x-a': '1' });
      // A second writeHead is Node's own error; the listener is not run again for it.
      expect(() => res.writeHead(201)).toThrow();
      res.end();
    });
    open.push(s);
    const raw = await exchange(s.port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(raw).toMatch(/^HTTP\/1\.1 299 /);
    expect(raw).toMatch(/\r\nx-from-hook: 200\r\n/i);
    expect(calls).toBe(1);
  });
});
