import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppProbe, RunningApp } from '../types';

export function hit(probe: AppProbe, route: string): void {
  probe.hits.set(route, (probe.hits.get(route) ?? 0) + 1);
}

export function digest(bytes: Uint8Array): { length: number; sha256: string } {
  return { length: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export function pushTrace(state: Record<string, unknown> | undefined): void {
  if (state && Array.isArray(state.trace)) state.trace.push('handler');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Listens on 127.0.0.1:0 and wraps the server's close so keep-alive sockets do not hold it open. */
export function listen(server: Server): Promise<RunningApp> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
