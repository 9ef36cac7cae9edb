import type { Context } from '../../context';
import type { Host } from '../../types';
import { type CompiledCsp, createNonce } from './csp';
import type { Header } from './headers';

/**
 * Headers whose values are fixed at construction, kept as parallel arrays, so stamping a
 * response is one host call per header and nothing else.
 */
export class FixedHeaders {
  readonly #names: readonly string[];
  readonly #values: readonly string[];

  constructor(headers: readonly Header[]) {
    this.#names = headers.map(([name]) => name);
    this.#values = headers.map(([, value]) => value);
  }

  /** Sets every header (the downstream may still override them). */
  set(host: Host): void {
    const names = this.#names;
    const values = this.#values;
    for (let i = 0; i < names.length; i++) host.setHeader(names[i], values[i]);
  }
}

/** A CSP with a nonce or function values: computed once per request, on the way in. */
export class PerRequestCsp {
  readonly #csp: CompiledCsp;

  constructor(csp: CompiledCsp) {
    this.#csp = csp;
  }

  set(ctx: Context<any>): void {
    let nonce: string | undefined;
    if (this.#csp.nonce) {
      nonce = createNonce();
      (ctx.state as Record<string, unknown>).cspNonce = nonce;
    }
    ctx.host.setHeader(this.#csp.header, this.#csp.value(ctx, nonce));
  }
}
