// A minimal in-memory `Host` for the in-process benchmarks: the least an adapter could do per
// request, so what is measured is the core chain and its middleware, not a fake's overhead.
import type { Host, HostFinish } from '@bouncer/core/adapter';

export class MemoryHost implements Host {
  readonly method: string;
  readonly target: string;
  readonly scheme = 'http' as const;
  readonly peer: string;
  readonly #req: Map<string, string>;
  readonly #res = new Map<string, string | readonly string[]>();
  #finish: ((info: HostFinish) => void) | undefined;
  statusCode = 0;

  constructor(method: string, target: string, peer: string, headers: Map<string, string>) {
    this.method = method;
    this.target = target;
    this.peer = peer;
    this.#req = headers;
  }

  header(name: string): string | undefined {
    return this.#req.get(name);
  }

  headerValues(name: string): readonly string[] {
    const v = this.#req.get(name);
    return v === undefined ? [] : [v];
  }

  readBody(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(0));
  }

  status(): number {
    return this.statusCode;
  }

  getHeader(name: string): string | undefined {
    const v = this.#res.get(name);
    return v === undefined || typeof v === 'string' ? v : v.join(', ');
  }

  setHeader(name: string, value: string | readonly string[]): void {
    this.#res.set(name.toLowerCase(), value);
  }

  removeHeader(name: string): void {
    this.#res.delete(name.toLowerCase());
  }

  onFinish(listener: (info: HostFinish) => void): void {
    this.#finish = listener;
  }

  #head: (() => void) | undefined;

  onHead(listener: () => void): void {
    this.#head = listener;
  }

  /** What a real host does as it writes the head: the chain's head hooks run. */
  writeHead(): void {
    const head = this.#head;
    this.#head = undefined;
    head?.();
  }

  /** Unexpected errors the chain reported; the benchmarks fail on any. */
  readonly errors: unknown[] = [];

  reportError(error: unknown): void {
    this.errors.push(error);
  }

  /** What a real host does once the last byte is written. */
  finish(bytes: number): void {
    this.#finish?.({ bytes, aborted: false });
  }

  get responseHeaderCount(): number {
    return this.#res.size;
  }
}

/** The downstream application: sets the answer a handler would, and commits its head. */
export function app(host: MemoryHost, body: string): () => Promise<void> {
  return () => {
    host.setHeader('Content-Type', 'application/json; charset=utf-8');
    host.setHeader('Content-Length', String(body.length));
    host.statusCode = 200;
    host.writeHead();
    return Promise.resolve();
  };
}
