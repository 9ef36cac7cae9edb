import type { Middleware } from '@bouncer/core';

/** What every adapter's test app records, so cases can assert what the application saw. */
export interface AppProbe {
  /** How many times each route's handler ran, by `METHOD path`. */
  hits: Map<string, number>;
  /** Errors the adapter reported to its host's error channel. */
  reported: unknown[];
}

/**
 * The one application every adapter serves, written in each framework's own idiom:
 *
 * - `GET /hello` → 200 `{"hello":"world"}`, and sets `X-Remove-Me: 1` (a header the chain removes)
 * - `GET /stream` → 200, body `abc` written as three chunks, no Content-Length
 * - `OPTIONS /hello` → 200 `{"options":true}` with `Allow` (a plain OPTIONS the application answers)
 * - `GET /cyclic` → the handler answers a JSON body that cannot be serialised (a cycle)
 * - `GET /boom` → the handler throws
 * - `GET /state` → 200 `{"user": state.user, "trace": state.trace}` read the framework's way
 * - `POST /echo` → the JSON body parsed by the framework's own parser, echoed as `{"received": …}`
 * - `POST /bytes` → the raw body read the framework's way, answered `{"length": n, "sha256": hex}`
 * - `GET /slow` → answers after 400 ms (for abort tests)
 * - anything else → the framework's own 404
 *
 * Each handler counts itself in `probe.hits` and pushes `handler` onto `state.trace` when present.
 */
export interface AppFactory {
  readonly name: string;
  start(chain: Middleware<any>, probe: AppProbe): Promise<RunningApp>;
  /**
   * For a server in another process (another runtime), which builds the chain itself: given the
   * builder instead of the chain, it keeps `probe` and `finishes` in step with the server's own.
   */
  startBuilder?(builder: ChainBuilder, probe: AppProbe, finishes: FinishRecord[]): Promise<RunningApp>;
}

export interface RunningApp {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
  /** Brings the probe up to date after a request, when the app runs in another process. */
  sync?(): Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  reusedSocket: boolean;
}

export interface CaseContext {
  url: string;
  probe: AppProbe;
  finishes: FinishRecord[];
  request(method: string, path: string, init?: RequestInit2): Promise<HttpResult>;
}

export interface RequestInit2 {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Abort the request after this many ms. */
  abortAfter?: number;
  agent?: import('node:http').Agent;
}

export interface FinishRecord {
  id: string | undefined;
  status: number;
  bytes: number;
  aborted: boolean;
  duration: number;
}

/** One conformance case: runs against one adapter, returns what must be identical across adapters. */
export interface ConformanceCase {
  readonly name: string;
  readonly group: string;
  /** Builds the chain the case needs; cases sharing a chain builder share a server. */
  readonly chain: ChainBuilder;
  run(t: CaseContext): Promise<Comparable>;
}

export interface ChainBuilder {
  readonly id: string;
  build(finishes: FinishRecord[]): Middleware<any>;
}

/** What must match across adapters byte for byte: status and the chosen headers. */
export interface Comparable {
  status: number;
  headers: Record<string, string | undefined>;
}
