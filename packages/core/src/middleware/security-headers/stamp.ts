import type { Context } from '../../context';
import { intern } from '../../utils/intern';
import { type CompiledCsp, createNonce } from './csp';
import type { Header } from './headers';

/**
 * Headers whose values are fixed at construction, kept as parallel arrays (names also
 * lower-cased once), so stamping a response is a lookup and a write per header, nothing else.
 */
export class FixedHeaders {
  readonly #names: readonly string[];
  readonly #lower: readonly string[];
  readonly #values: readonly string[];

  constructor(headers: readonly Header[]) {
    this.#names = headers.map(([name]) => name);
    this.#lower = headers.map(([name]) => intern(name.toLowerCase()));
    this.#values = headers.map(([, value]) => value);
  }

  /** Sets every header the response does not carry yet (the downstream's own value wins). */
  setMissing(ctx: Context<any>): void {
    ctx.res.setMissing(this.#names, this.#lower, this.#values);
  }
}

/**
 * A CSP with a nonce or function values: computed once per request, on the way in (the
 * application needs the nonce to render), and stamped at the head unless the response has one.
 */
export class PerRequestCsp {
  readonly #csp: CompiledCsp;
  readonly #lower: string;

  constructor(csp: CompiledCsp) {
    this.#csp = csp;
    this.#lower = csp.header.toLowerCase();
  }

  decide(ctx: Context<any>): void {
    let nonce: string | undefined;
    if (this.#csp.nonce) {
      nonce = createNonce();
      (ctx.state as Record<string, unknown>).cspNonce = nonce;
    }
    const value = this.#csp.value(ctx, nonce);
    const name = this.#csp.header;
    const lower = this.#lower;
    ctx.onHead((c) => {
      if (!c.res.has(lower)) c.res.set(name, value);
    });
  }
}
