import { ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exchange, headOf, type Served, serve } from './_raw';
import { onResponseHead, onResponseHeadOf } from './head-hook';

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

describe('onResponseHead: what the hook keeps alive', () => {
  it('lets go of the listener once it ran, while the response lives on', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let ref: WeakRef<object> | undefined;
    let kept: ServerResponse | undefined;
    const s = await serve((_req, res) => {
      const context = { big: new Array(1000).fill('x') };
      ref = new WeakRef(context);
      kept = res;
      onResponseHead(res, () => {
        res.setHeader('x-size', String(context.big.length));
      });
      res.end('ok');
    });
    open.push(s);
    const raw = await exchange(s.port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(raw).toMatch(/\r\nx-size: 1000\r\n/i);
    for (let i = 0; i < 3 && ref?.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(kept).toBeDefined();
    expect(ref?.deref()).toBeUndefined();
  });
});

describe("onResponseHeadOf: the hook on an application's own response prototype", () => {
  /** A server whose responses get `proto` as their prototype, as Express gives them `app.response`. */
  function appServer(proto: object, answer: (res: ServerResponse) => void) {
    return serve((_req, res) => {
      Object.setPrototypeOf(res, proto);
      answer(res);
    });
  }
  const get = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

  it('writes the head Node writes without it, runs the listener once, and adds nothing to the response', async () => {
    const proto = Object.create(ServerResponse.prototype) as object;
    let calls = 0;
    let own: boolean | undefined;
    const answer = (res: ServerResponse) => {
      res.setHeader('x-a', '0');
      res.writeHead(200, 'Fine', ['x-a', '1', 'x-a', '2']).end('x');
    };
    const plain = await appServer(Object.create(ServerResponse.prototype), answer);
    const hooked = await appServer(proto, (res) => {
      onResponseHeadOf(proto, res, () => {
        calls++;
        res.setHeader('x-hook', String(res.statusCode));
      });
      own = Object.hasOwn(res, 'writeHead');
      answer(res);
      expect(() => res.writeHead(201)).toThrow();
    });
    open.push(plain, hooked);
    const withHook = headOf(await exchange(hooked.port, [get]));
    const without = headOf(await exchange(plain.port, [get]));
    expect(withHook.replace(/\r\nx-hook: 200/i, '')).toBe(without);
    expect(withHook).toMatch(/\r\nx-hook: 200\r\n/i);
    expect(calls).toBe(1);
    expect(own).toBe(false);
  });

  it("passes responses it was not asked about straight through, and finds a wrapper installed later on Node's prototype", async () => {
    const proto = Object.create(ServerResponse.prototype) as object;
    let calls = 0;
    let registered = true;
    const s = await appServer(proto, (res) => {
      if (registered) onResponseHeadOf(proto, res, () => calls++);
      res.end('x');
    });
    open.push(s);
    await exchange(s.port, [get]);
    expect(calls).toBe(1);
    // An APM agent that loads late wraps Node's own writeHead: every response still reaches it.
    const seen = vi.spyOn(ServerResponse.prototype, 'writeHead');
    try {
      registered = false;
      expect(headOf(await exchange(s.port, [get]))).toMatch(/^HTTP\/1\.1 200 /);
      registered = true;
      await exchange(s.port, [get]);
      expect(seen).toHaveBeenCalledTimes(2);
      expect(calls).toBe(2);
    } finally {
      seen.mockRestore();
    }
  });

  it('wraps a writeHead the prototype already had of its own', async () => {
    const proto = Object.create(ServerResponse.prototype) as { writeHead?: unknown };
    const order: string[] = [];
    const nodeWriteHead = ServerResponse.prototype.writeHead;
    proto.writeHead = function own(this: ServerResponse, ...args: unknown[]) {
      order.push('own');
      return (nodeWriteHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    };
    const s = await appServer(proto, (res) => {
      onResponseHeadOf(proto, res, () => order.push('hook'));
      res.end('x');
    });
    open.push(s);
    await exchange(s.port, [get]);
    expect(order).toEqual(['hook', 'own']);
  });
});
