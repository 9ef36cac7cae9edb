import { connect } from 'node:net';
import { equal, ok } from '../assert';
import { policyChain } from '../chains';
import type { ConformanceCase } from '../types';

/** The head of one raw HTTP/1.1 exchange, field lines as sent (a client library would merge repeats). */
function rawHead(url: string, request: string): Promise<string[]> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const head = data.split('\r\n\r\n')[0];
      if (!head) reject(new Error('no response head'));
      else resolve(head.split('\r\n'));
    };
    const timer = setTimeout(done, 3000);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}

const count = (lines: string[], name: string) =>
  lines.filter((l) => l.toLowerCase().startsWith(`${name}:`)).length;

export const wireCases: ConformanceCase[] = [
  {
    name: 'a 413 for a declared oversized body says Connection: close once, with one Content-Length',
    group: 'wire',
    chain: policyChain,
    async run(t) {
      const lines = await rawHead(
        t.url,
        'POST /echo HTTP/1.1\r\nHost: conformance\r\nX-Forwarded-For: 192.0.2.201\r\n' +
          'Content-Type: application/json\r\nContent-Length: 70000\r\n\r\n',
      );
      ok(/^HTTP\/1\.1 413 /.test(lines[0]), `status line ${lines[0]}`);
      equal(count(lines, 'connection'), 1, 'Connection field lines');
      ok(
        lines.some((l) => /^connection:\s*close$/i.test(l)),
        'Connection: close',
      );
      equal(count(lines, 'content-length'), 1, 'Content-Length field lines');
      return { status: 413, headers: {} };
    },
  },
];
