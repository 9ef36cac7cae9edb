import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { HttpError } from '@bouncer/core';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, type Served, serve } from './_raw';
import { lendBody } from './lend-body';

// Reading the body and handing it back: what the chain gets, what a body parser after it still
// reads, and every way a body can fail.

const open: Served[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

interface Seen {
  lent?: string;
  error?: unknown;
  after?: string;
}

/** A server that lends each request's body (after `before`), then reads what is left of the stream. */
async function lending(limit: number, before?: (req: IncomingMessage) => Promise<void> | void) {
  const seen: Seen[] = [];
  const s = await serve(async (req, res) => {
    const record: Seen = {};
    seen.push(record);
    try {
      await before?.(req);
      record.lent = Buffer.from(await lendBody(req, limit)).toString();
      const rest: Buffer[] = [];
      for await (const chunk of req) rest.push(chunk as Buffer);
      record.after = Buffer.concat(rest).toString();
      res.end('ok');
    } catch (error) {
      record.error = error;
      res.statusCode = error instanceof HttpError ? error.status : 500;
      res.setHeader('Connection', 'close');
      res.end();
    }
  });
  open.push(s);
  return { seen, port: s.port };
}
const post = (body: string, extra = '') =>
  `POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('lendBody', () => {
  it('lends a body in several packets whole, and a parser after it reads the same bytes', async () => {
    const { seen, port } = await lending(1024);
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 11\r\n\r\n';
    await exchange(port, [head, 'hello', ' ', 'world'], { gap: 20 });
    expect(seen).toEqual([{ lent: 'hello world', after: 'hello world' }]);
  });

  it('lends a body that arrived whole before it was asked for', async () => {
    const { seen, port } = await lending(1024, () => new Promise((r) => setTimeout(r, 50)));
    await exchange(port, [post('early bird')]);
    expect(seen).toEqual([{ lent: 'early bird', after: 'early bird' }]);
  });

  it('lends an empty body, asked for at once or late', async () => {
    for (const before of [undefined, () => new Promise<void>((r) => setTimeout(r, 50))]) {
      const { seen, port } = await lending(1024, before);
      await exchange(port, [post('')]);
      await exchange(port, [
        'POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ]);
      expect(seen).toEqual([
        { lent: '', after: '' },
        { lent: '', after: '' },
      ]);
    }
  });

  it('takes exactly the limit and refuses one byte more with a 413 naming it', async () => {
    const { seen, port } = await lending(5);
    await exchange(port, [post('12345')]);
    await exchange(port, [post('123456')]);
    expect(seen[0]).toEqual({ lent: '12345', after: '12345' });
    const error = seen[1].error as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(413);
    expect(error.detail).toBe('Body exceeds 5 bytes');
    expect(error.policy).toBe('bodyLimit');
  });

  it('refuses a chunked body as soon as it passes the limit, before the client has sent the rest', async () => {
    const { seen, port } = await lending(10);
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n';
    // Never the last chunk: an answer can only come from bytes counted on the way.
    const raw = await exchange(port, [head, '8\r\n12345678\r\n', '8\r\n12345678\r\n'], {
      gap: 20,
      idle: 300,
    });
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    expect((seen[0].error as HttpError).status).toBe(413);
  });

  it('answers 400 when the client goes away in the middle of the body', async () => {
    const { seen, port } = await lending(1024);
    await exchange(port, ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part'], {
      idle: 50,
    });
    await new Promise((r) => setTimeout(r, 50));
    const error = seen[0].error as HttpError;
    expect(error.status).toBe(400);
    expect(error.detail).toBe('Client aborted the request body');
  });

  it('answers 400 when the client went away before the body was asked for', async () => {
    for (const [length, body] of [
      ['5', 'hello'],
      ['100', 'only part'],
    ]) {
      const { seen, port } = await lending(1024, () => new Promise((r) => setTimeout(r, 100)));
      const client = connect(port, '127.0.0.1');
      client.on('error', () => {});
      client.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n${body}`);
      await new Promise((r) => setTimeout(r, 30));
      client.destroy();
      // The request is gone by the time the chain asks: the answer comes at once, never hangs.
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toHaveLength(1);
      expect((seen[0].error as HttpError).status).toBe(400);
      expect((seen[0].error as HttpError).detail).toBe('Client aborted the request body');
    }
  });

  it('answers 400 when the stream fails, keeping the cause', async () => {
    const cause = new Error('boom');
    const { seen, port } = await lending(1024, (req) => {
      setTimeout(() => req.emit('error', cause), 20);
    });
    await exchange(
      port,
      ['POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100\r\n\r\nslow'],
      { idle: 100 },
    );
    const error = seen[0].error as HttpError;
    expect(error.status).toBe(400);
    expect(error.detail).toBe('Request body could not be read');
    expect(error.cause).toBe(cause);
  });

  it('refuses a body that something read before the chain', async () => {
    for (const before of [
      (req: IncomingMessage) => {
        req.on('data', () => {});
      },
      async (req: IncomingMessage) => {
        for await (const _ of req) {
          // drained
        }
      },
    ]) {
      const { seen, port } = await lending(1024, before);
      await exchange(port, [post('taken')]);
      expect((seen[0].error as Error).message).toBe(
        'The request body was already consumed before the Bouncer chain: mount Bouncer before body parsers',
      );
    }
  });
});
