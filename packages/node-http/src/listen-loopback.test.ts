import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listenLoopback } from './listen-loopback';

describe('listenLoopback', () => {
  it('listens on 127.0.0.1 only, and close() ends the server and its kept-alive sockets', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    const { url, close } = await listenLoopback(server);
    expect((server.address() as { address: string }).address).toBe('127.0.0.1');
    const res = await fetch(url);
    expect(await res.text()).toBe('ok');
    await close();
    expect(server.listening).toBe(false);
  });

  it('close() does not wait for a request still being answered', async () => {
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((r) => {
      arrived = r;
    });
    // Never answers: only closing the connection ends the request.
    const server = createServer(() => arrived());
    const { url, close } = await listenLoopback(server);
    const pending = fetch(url).catch((error: unknown) => error);
    await inFlight;
    const outcome = await Promise.race([
      close().then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('still waiting'), 2000)),
    ]);
    expect(outcome).toBe('closed');
    expect(await pending).toBeInstanceOf(Error);
  });

  it('rejects when the server cannot listen', async () => {
    const failing = Object.assign(new EventEmitter(), {
      listen() {
        queueMicrotask(() => failing.emit('error', new Error('EADDRINUSE')));
      },
    });
    await expect(listenLoopback(failing as unknown as Server)).rejects.toThrow('EADDRINUSE');
  });
});
