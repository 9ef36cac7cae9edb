import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { NodeHost } from './node-host';

// The core's Host over Node's own request/response pair, unit by unit.

function pair(over: Record<string, unknown> = {}) {
  const socket = new Socket();
  const req = Object.assign(new IncomingMessage(socket), { method: 'POST', url: '/a?b' }, over);
  return { req, res: new ServerResponse(req) };
}

describe('NodeHost', () => {
  it('reads the request line as it came off the wire, with defaults', () => {
    const { req, res } = pair({ originalUrl: '/mounted/a' });
    const host = new NodeHost(req, res, () => {});
    expect([host.method, host.target, host.scheme]).toEqual(['POST', '/mounted/a', 'http']);
    const bare = pair({ method: undefined, url: undefined });
    const h = new NodeHost(bare.req, bare.res, () => {});
    expect([h.method, h.target, h.peer]).toEqual(['GET', '/', '']);
    const tls = pair();
    Object.defineProperty(tls.req, 'socket', { value: { encrypted: true, remoteAddress: '10.0.0.1' } });
    const secure = new NodeHost(tls.req, tls.res, () => {});
    expect([secure.scheme, secure.peer]).toEqual(['https', '10.0.0.1']);
  });

  it('reads response headers as text, whatever Node holds', () => {
    const { req, res } = pair();
    const host = new NodeHost(req, res, () => {});
    res.setHeader('x-list', ['a', 'b']);
    res.setHeader('x-num', 5);
    res.setHeader('x-text', 't');
    expect([
      host.getHeader('x-list'),
      host.getHeader('x-num'),
      host.getHeader('x-text'),
      host.getHeader('x-none'),
    ]).toEqual(['a, b', '5', 't', undefined]);
  });

  it('drops header writes once the head is out', () => {
    const { req, res } = pair();
    const host = new NodeHost(req, res, () => {});
    host.setHeader('x-a', '1');
    res.setHeader('x-b', '2');
    Object.defineProperty(res, 'headersSent', { value: true });
    host.setHeader('x-a', 'changed');
    host.removeHeader('x-b');
    expect([res.getHeader('x-a'), res.getHeader('x-b')]).toEqual(['1', '2']);
  });

  it('answers an expected status until the head is out', () => {
    const { req, res } = pair();
    const host = new NodeHost(req, res, () => {});
    res.statusCode = 200;
    expect(host.status()).toBe(200);
    host.expectStatus(500);
    expect(host.status()).toBe(500);
    Object.defineProperty(res, 'headersSent', { value: true });
    expect(host.status()).toBe(200);
  });

  it('runs the chain’s head hook before the adapter’s notice, once per response', () => {
    const { req, res } = pair();
    const host = new NodeHost(req, res, () => {});
    const order: string[] = [];
    host.onHead(() => order.push('chain'));
    host.whenHead(() => order.push('adapter'));
    res.writeHead(200);
    expect(order).toEqual(['chain', 'adapter']);
  });

  it('reports a header section Node may have cut, against the server’s cap', () => {
    const { req, res } = pair();
    Object.defineProperty(req, 'socket', { value: { server: { maxHeadersCount: 2 } } });
    req.rawHeaders = ['A', '1', 'B', '2'];
    expect(new NodeHost(req, res, () => {}).headersCut).toBe(true);
    req.rawHeaders = ['A', '1'];
    expect(new NodeHost(req, res, () => {}).headersCut).toBe(false);
  });

  it('fills in only the fixed headers the response lacks, and passes errors to the reporter', () => {
    const { req, res } = pair();
    const reported: unknown[] = [];
    const host = new NodeHost(req, res, (e) => reported.push(e));
    res.setHeader('X-A', 'set');
    host.setMissing(['X-A', 'X-B'], ['x-a', 'x-b'], ['1', '2']);
    expect([res.getHeader('x-a'), res.getHeader('x-b')]).toEqual(['set', '2']);
    const error = new Error('x');
    host.reportError(error);
    expect(reported).toEqual([error]);
  });
});
