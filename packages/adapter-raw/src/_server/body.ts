import { bodyTooLarge } from '@bouncer/core/adapter';

const EMPTY = new Uint8Array(0);

/** Hooks the connection gives a body: 100-continue on first read, and flow control. */
export interface BodyOwner {
  /** The app (or the chain) started reading: time for `100 Continue` (RFC 9110 §10.1.1). */
  onBodyRead(): void;
}

/**
 * A request body arriving from the parser: read once as a stream, or collected into bytes that
 * every later reader gets again (body replay after a middleware buffered it).
 */
export class BodyReader implements AsyncIterator<Uint8Array> {
  readonly #owner: BodyOwner;
  /** Made on the first chunk: most requests have no body. */
  #chunks: Uint8Array[] | undefined;
  #done = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #started = false;
  #discard = false;
  #iterated = false;
  #received = 0;
  #replay: Promise<Uint8Array> | undefined;

  constructor(owner: BodyOwner, empty: boolean) {
    this.#owner = owner;
    this.#done = empty;
  }

  /** True when every byte of the body has arrived. */
  get complete(): boolean {
    return this.#done;
  }

  /** True once somebody started reading. */
  get started(): boolean {
    return this.#started;
  }

  /** Bytes received from the parser so far. */
  get received(): number {
    return this.#received;
  }

  push(chunk: Uint8Array): void {
    this.#received += chunk.byteLength;
    if (this.#discard) return;
    if (this.#chunks === undefined) this.#chunks = [chunk];
    else this.#chunks.push(chunk);
    this.#wakeUp();
  }

  end(): void {
    this.#done = true;
    this.#wakeUp();
  }

  fail(error: Error): void {
    if (this.#done) return;
    this.#error = error;
    this.#done = true;
    this.#wakeUp();
  }

  /** The response is over and nobody wants the rest: drop it as it arrives. */
  discard(): void {
    this.#discard = true;
    this.#chunks = undefined;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    if (wake) {
      this.#wake = undefined;
      wake();
    }
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#owner.onBodyRead();
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    this.#start();
    for (;;) {
      const chunk = this.#chunks?.shift();
      if (chunk !== undefined) return { value: chunk, done: false };
      if (this.#error) throw this.#error;
      if (this.#done) return { value: undefined, done: true };
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /** Streams the body; after `collect()` it streams the collected bytes instead. */
  async *iterate(): AsyncGenerator<Uint8Array> {
    if (this.#replay) {
      const bytes = await this.#replay;
      if (bytes.byteLength > 0) yield bytes;
      return;
    }
    if (this.#iterated) throw new Error('The request body was already read');
    this.#iterated = true;
    for (;;) {
      const r = await this.next();
      if (r.done) return;
      yield r.value;
    }
  }

  /** The whole body, read at most once; past `limit` bytes it rejects with a 413 `HttpError`. */
  collect(limit: number): Promise<Uint8Array> {
    if (this.#replay) return this.#replay;
    if (this.#iterated) return Promise.reject(new Error('The request body was already read as a stream'));
    this.#iterated = true;
    this.#replay = this.#collect(limit);
    return this.#replay;
  }

  async #collect(limit: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const r = await this.next();
      if (r.done) break;
      total += r.value.byteLength;
      if (total > limit) {
        this.discard();
        throw bodyTooLarge(limit);
      }
      parts.push(r.value);
    }
    if (parts.length === 0) return EMPTY;
    if (parts.length === 1) return parts[0];
    return Buffer.concat(parts, total);
  }
}
