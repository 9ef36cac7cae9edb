import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { listenLoopback } from '@bouncer/node-http';
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

/** Listens on 127.0.0.1:0; closing also ends keep-alive sockets. */
export function listen(server: Server): Promise<RunningApp> {
  return listenLoopback(server);
}

/** A value `JSON.stringify` cannot serialise (a cycle): the framework fails while writing it. */
export function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { ok: true };
  value.self = value;
  return value;
}
