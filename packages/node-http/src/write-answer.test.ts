import { afterEach, describe, expect, it } from 'vitest';
import { exchange, type Served, serve } from './_raw';
import { writeAnswer } from './write-answer';

// The chain's own answer on a Node response.

const open: Served[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('writeAnswer', () => {
  it('writes the status and body, no body to HEAD, and nothing once a head is out', async () => {
    const results: boolean[] = [];
    const s = await serve((req, res) => {
      if (req.url === '/late') {
        res.writeHead(200, { 'Content-Length': '4' });
        res.flushHeaders();
        results.push(writeAnswer(res, 'GET', { status: 403, body: new TextEncoder().encode('no') }));
        res.end('mine');
        return;
      }
      res.setHeader('Content-Length', '2');
      results.push(writeAnswer(res, req.method!, { status: 403, body: new TextEncoder().encode('no') }));
    });
    open.push(s);
    const get = await exchange(s.port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(get).toMatch(/^HTTP\/1\.1 403 /);
    expect(get.endsWith('\r\n\r\nno')).toBe(true);
    const head = await exchange(s.port, ['HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(head).toMatch(/^HTTP\/1\.1 403 /);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
    const late = await exchange(s.port, ['GET /late HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(late).toMatch(/^HTTP\/1\.1 200 /);
    expect(late.endsWith('mine')).toBe(true);
    expect(results).toEqual([true, true, false]);
  });

  it('ends a bodiless answer without a body', async () => {
    const s = await serve((_req, res) => {
      writeAnswer(res, 'GET', { status: 204, body: null });
    });
    open.push(s);
    const raw = await exchange(s.port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(raw).toMatch(/^HTTP\/1\.1 204 /);
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
  });
});
