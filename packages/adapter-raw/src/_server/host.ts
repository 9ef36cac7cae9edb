import type { Host, HostFinish } from '@bouncer/core/adapter';
import type { BodyReader } from './body';
import type { RawRequest } from './request';
import { kFlushed, kGetLower, kRemoveHeader, kSetHeader, kSetMissing, type RawResponse } from './response';

/**
 * The core's view of one request (`Host` in @bouncer/core): reads come from the parsed request,
 * header writes go to the response until its head is serialised (later ones are dropped, as the
 * bytes are already on the wire), and the head hooks run just before it is.
 */
export abstract class RequestHost implements Host {
  abstract readonly req: RawRequest;
  abstract readonly res: RawResponse;
  /** The request's field values by lower-case name. */
  abstract readonly fields: ReadonlyMap<string, readonly string[]>;
  /** The request's body, as the connection feeds it. */
  abstract readonly body: BodyReader;
  /** `https` on a TLS server (the connection itself; forwarded headers are the chain's business). */
  abstract readonly scheme: 'http' | 'https';
  /** The chain's finish hook; the exchange fires it once. */
  protected finishListener: ((info: HostFinish) => void) | undefined;
  /** The chain's head hooks, run once just before the head is serialised. */
  #headListener: (() => void) | undefined;

  abstract reportError(error: unknown): void;

  get method(): string {
    return this.req.method;
  }
  get target(): string {
    return this.req.target;
  }
  get peer(): string {
    return this.req.remoteAddress;
  }
  header(name: string): string | undefined {
    const values = this.fields.get(name);
    if (values === undefined) return undefined;
    return values.length === 1 ? values[0] : values.join(', ');
  }
  headerValues(name: string): readonly string[] {
    return this.fields.get(name) ?? [];
  }
  readBody(limit: number): Promise<Uint8Array> {
    return this.body.collect(limit);
  }
  status(): number {
    return this.res.statusCode;
  }
  getHeader(name: string): string | undefined {
    const v = this.res[kGetLower](name);
    return v === undefined || typeof v === 'string' ? v : v.join(', ');
  }
  setHeader(name: string, value: string | readonly string[]): void {
    if (!this.res[kFlushed]) this.res[kSetHeader](name, value);
  }
  removeHeader(name: string): void {
    if (!this.res[kFlushed]) this.res[kRemoveHeader](name);
  }
  setMissing(names: readonly string[], lower: readonly string[], values: readonly string[]): void {
    if (!this.res[kFlushed]) this.res[kSetMissing](names, lower, values);
  }
  onFinish(listener: (info: HostFinish) => void): void {
    this.finishListener = listener;
  }
  onHead(listener: () => void): void {
    this.#headListener = listener;
  }
  /** Called by the response just before it serialises its head. */
  beforeHead(): void {
    const listener = this.#headListener;
    if (listener === undefined) return;
    this.#headListener = undefined;
    listener();
  }
}
