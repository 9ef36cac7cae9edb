import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { UpgradeHost } from './upgrade-host';

// The core's Host over a handshake request, which has no ServerResponse.

const req = (over: Record<string, unknown> = {}) =>
  ({
    method: 'GET',
    url: '/ws',
    headers: {},
    rawHeaders: [],
    socket: { remoteAddress: '127.0.0.1' },
    ...over,
  }) as unknown as IncomingMessage;

describe('UpgradeHost', () => {
  it('reads the request line, scheme and peer, with defaults for what is missing', () => {
    const host = new UpgradeHost(req(), () => {});
    expect([host.method, host.target, host.scheme, host.peer]).toEqual(['GET', '/ws', 'http', '127.0.0.1']);
    const bare = new UpgradeHost(
      req({ method: undefined, url: undefined, socket: { encrypted: true } }),
      () => {},
    );
    expect([bare.method, bare.target, bare.scheme, bare.peer]).toEqual(['GET', '/', 'https', '']);
  });

  it('reads request headers joined and line by line', () => {
    const host = new UpgradeHost(
      req({ headers: { 'x-a': ['1', '2'] }, rawHeaders: ['X-A', '1', 'x-a', '2'] }),
      () => {},
    );
    expect(host.header('x-a')).toBe('1, 2');
    expect(host.headerValues('x-a')).toEqual(['1', '2']);
  });

  it('has no body and answers 101 until the chain says otherwise', async () => {
    const host = new UpgradeHost(req(), () => {});
    expect(await host.readBody()).toEqual(new Uint8Array(0));
    expect(host.status()).toBe(101);
  });

  it('keeps response headers by any case of their name, lists joined', () => {
    const host = new UpgradeHost(req(), () => {});
    host.setHeader('X-Why', ['a', 'b']);
    host.setHeader('Retry-After', '5');
    expect(host.getHeader('x-why')).toBe('a, b');
    expect(host.getHeader('retry-after')).toBe('5');
    host.removeHeader('RETRY-after');
    expect(host.getHeader('retry-after')).toBeUndefined();
    expect(host.getHeader('x-none')).toBeUndefined();
    expect(host.headers()).toEqual({ 'X-Why': ['a', 'b'] });
  });

  it('runs the head hook once, before handing out the headers', () => {
    const host = new UpgradeHost(req(), () => {});
    let runs = 0;
    host.onHead(() => {
      runs++;
      host.setHeader('X-Stamped', 'yes');
    });
    expect(host.headers()).toEqual({ 'X-Stamped': 'yes' });
    host.headers();
    expect(runs).toBe(1);
    expect(new UpgradeHost(req(), () => {}).headers()).toEqual({});
  });

  it('fires the finish listener once, and passes errors to the reporter', () => {
    const reported: unknown[] = [];
    const host = new UpgradeHost(req(), (e) => reported.push(e));
    const finishes: unknown[] = [];
    host.finished(7);
    host.onFinish((info) => finishes.push(info));
    host.finished(3);
    host.finished(4);
    expect(finishes).toEqual([{ bytes: 3, aborted: false }]);
    const error = new Error('x');
    host.reportError(error);
    expect(reported).toEqual([error]);
  });
});
