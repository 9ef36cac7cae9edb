import type { Context } from '../../context';
import type { Host } from '../../types';
import { type CompiledCsp, createNonce } from './csp';
import type { Header } from './headers';

/**
 * Headers whose values are fixed at construction, kept as parallel arrays with the lower-case
 * names precomputed, so stamping a response is one host call per header and nothing else.
 */
export class FixedHeaders {
  readonly #names: readonly string[];
  readonly #lower: readonly string[];
  readonly #values: readonly string[];

  constructor(headers: readonly Header[]) {
    this.#names = headers.map(([name]) => name);
    this.#lower = headers.map(([name]) => name.toLowerCase());
    this.#values = headers.map(([, value]) => value);
  }

  /** Sets every header (the downstream may still override them). */
  set(host: Host): void {
    const names = this.#names;
    const values = this.#values;
    for (let i = 0; i < names.length; i++) host.setHeader(names[i], values[i]);
  }

  /** Sets again only the headers the response no longer has; values the downstream chose are kept. */
  restore(host: Host): void {
    const lower = this.#lower;
    for (let i = 0; i < lower.length; i++) {
      if (host.getHeader(lower[i]) === undefined) host.setHeader(this.#names[i], this.#values[i]);
    }
  }
}

/**
 * A CSP with a nonce or function values: computed once per request on the way in and remembered
 * for that request only, so the way out restores the very value the downstream was given.
 */
export class PerRequestCsp {
  readonly #csp: CompiledCsp;
  readonly #lower: string;
  readonly #sent = new WeakMap<Context<any>, string>();

  constructor(csp: CompiledCsp) {
    this.#csp = csp;
    this.#lower = csp.header.toLowerCase();
  }

  set(ctx: Context<any>): void {
    let nonce: string | undefined;
    if (this.#csp.nonce) {
      nonce = createNonce();
      (ctx.state as Record<string, unknown>).cspNonce = nonce;
    }
    const value = this.#csp.value(ctx, nonce);
    this.#sent.set(ctx, value);
    ctx.host.setHeader(this.#csp.header, value);
  }

  restore(ctx: Context<any>): void {
    const value = this.#sent.get(ctx);
    if (value !== undefined && ctx.host.getHeader(this.#lower) === undefined)
      ctx.host.setHeader(this.#csp.header, value);
  }
}
