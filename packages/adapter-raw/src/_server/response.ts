import { EventEmitter } from 'node:events';
import { checkValue, FieldTable, fieldEntry, fieldRecord, type HeaderEntry, lookupKey } from './fields';
import { BodyFraming, byteLength, checkFramingField } from './framing';
import { bodyless, serializeHead } from './serialize';
import type { Chunk, ResponseTransport } from './transport';

// What the server's own parts call on a response and the app never may: keyed by symbols that no
// public entry exports (fastify's lib/symbols.js), so they are neither in the API nor reachable.
/** Whether the head has been serialised onto the connection. */
export const kFlushed = Symbol('flushed');
/** Body bytes sent so far. */
export const kBytesSent = Symbol('bytesSent');
/** Reads a field by its lower-case name (the chain's reads: no case folding). */
export const kGetLower = Symbol('getLower');
/** Sets a field even after the app committed (the chain's head hooks). */
export const kSetHeader = Symbol('setHeader');
/** Removes a field even after the app committed. */
export const kRemoveHeader = Symbol('removeHeader');
/** Sets each field of a fixed set that the response does not carry yet (the chain's head hooks). */
export const kSetMissing = Symbol('setMissing');
/** Sends a complete answer that is not the app's (short-circuit, error). */
export const kSendFinal = Symbol('sendFinal');
/** The connection's socket drained. */
export const kDrain = Symbol('drain');

/** A fixed field set, checked once: its entries, and whether any holds obs-text. */
interface FixedSet {
  readonly names: readonly string[];
  readonly lower: readonly string[];
  /** The same names as the server's own (interned) keys: the table compares them by identity. */
  readonly keys: readonly string[];
  readonly entries: readonly HeaderEntry[];
  readonly obsText: boolean;
  /** Whether its names are distinct, so that it can go into a table that has none of them at once. */
  readonly distinct: boolean;
}

/** Fixed field sets by their values array. */
const fixedSets = new WeakMap<readonly string[], FixedSet>();

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

// The class below gets EventEmitter's prototype (see the end of this file).
export interface RawResponse extends EventEmitter {}

/**
 * The app-facing response, shaped like node's `ServerResponse`. Writes before the head goes out
 * are kept (so the chain can still change the head); afterwards they are framed and sent.
 * Emits `'drain'` after `write()` returned false, and `'finish'` once the last byte is sent.
 *
 * An `EventEmitter` whose constructor is never run: EventEmitter's methods create the listener
 * table on the first `on()`, and most responses never get a listener.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
export class RawResponse {
  statusCode = 200;
  readonly #headers = new FieldTable();
  readonly #t: ResponseTransport;
  #committed = false;
  #flushed = false;
  #ended = false;
  #finished = false;
  #discard = false;
  #pending: Chunk[] | undefined;
  #pendingBytes = 0;
  readonly #body: BodyFraming;
  #needDrain = false;
  /** Some field value set on this response held obs-text: the head is not plain ASCII. */
  #obsText = false;

  constructor(transport: ResponseTransport) {
    this.#t = transport;
    this.#body = new BodyFraming(transport);
  }

  /** HTTP status code to send. */
  get status(): number {
    return this.statusCode;
  }
  set status(code: number) {
    this.statusCode = code;
  }

  /** True once the app committed its head (`writeHead`, `write` or `end`). */
  get headersSent(): boolean {
    return this.#committed;
  }

  /** True once the last byte was handed to the connection. */
  get finished(): boolean {
    return this.#finished;
  }

  /** True once `end()` was called. */
  get writableEnded(): boolean {
    return this.#ended;
  }

  get [kFlushed](): boolean {
    return this.#flushed;
  }

  get [kBytesSent](): number {
    return this.#body.bytes;
  }

  getHeader(name: string): string | string[] | undefined {
    return this.#headers.get(lookupKey(name))?.value;
  }

  [kGetLower](lower: string): string | string[] | undefined {
    return this.#headers.get(lower)?.value;
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(lookupKey(name));
  }

  getHeaderNames(): string[] {
    return [...this.#headers.keys];
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.#assertOpen();
    this[kSetHeader](name, typeof value === 'number' ? String(value) : value);
    return this;
  }

  appendHeader(name: string, value: string | readonly string[]): this {
    this.#assertOpen();
    const current = this.#headers.get(lookupKey(name));
    const add = typeof value === 'string' ? [value] : [...value];
    if (current === undefined) this[kSetHeader](name, add.length === 1 ? add[0] : add);
    else {
      const before = typeof current.value === 'string' ? [current.value] : current.value;
      this[kSetHeader](current.name, [...before, ...add]);
    }
    return this;
  }

  removeHeader(name: string): this {
    this.#assertOpen();
    this.#headers.delete(lookupKey(name));
    return this;
  }

  [kSetHeader](name: string, value: string | readonly string[]): void {
    const rec = fieldRecord(name);
    const lower = rec.lower;
    if (checkValue(rec, name, value)) this.#obsText = true;
    checkFramingField(lower, value);
    this.#headers.set(
      lower,
      typeof value === 'string' ? fieldEntry(rec, name, value) : { name, value: [...value] },
    );
  }

  [kSetMissing](names: readonly string[], lower: readonly string[], values: readonly string[]): void {
    const h = this.#headers;
    let fixed = fixedSets.get(values);
    if (fixed === undefined || fixed.names !== names || fixed.lower !== lower) {
      fixed = fixedSet(names, lower, values);
      fixedSets.set(values, fixed);
    }
    const { entries, keys } = fixed;
    // The usual answer carries none of the set yet: its entries go in together, and its first
    // entry's block stands for all of them in the head (see serializeHead).
    if (fixed.distinct && h.addAll(keys, entries)) {
      if (fixed.obsText) this.#obsText = true;
      return;
    }
    let added = false;
    for (let i = 0; i < entries.length; i++) {
      if (h.has(keys[i])) continue;
      h.set(keys[i], entries[i]);
      added = true;
    }
    if (added && fixed.obsText) this.#obsText = true;
  }

  [kRemoveHeader](name: string): void {
    this.#headers.delete(lookupKey(name));
  }

  writeHead(status: number, headers?: Record<string, string | number | readonly string[]>): this {
    if (this.#committed) throw new Error('writeHead(): the response head was already committed');
    if (!Number.isInteger(status) || status < 100 || status > 999)
      throw new RangeError(`Invalid status ${status}`);
    this.statusCode = status;
    if (headers) for (const name in headers) this.setHeader(name, headers[name]);
    this.#commit();
    return this;
  }

  /** Writes a body chunk; false means "wait for `'drain'`" (backpressure). */
  write(chunk: Chunk): boolean {
    // Replaced output (the chain answered instead): the app's writes are accepted and dropped.
    if (this.#discard) return true;
    if (this.#ended) throw new Error('write() after end()');
    if (!this.#committed) this.#commit();
    if (this.#discard) return true;
    if (byteLength(chunk) === 0) return true;
    if (!this.#flushed) {
      this.#queue(chunk);
      this.#pendingBytes += byteLength(chunk);
      if (this.#pendingBytes < this.#t.highWaterMark) return true;
      this.#needDrain = true;
      return false;
    }
    const ok = this.#body.send(chunk);
    if (!ok) this.#needDrain = true;
    return ok;
  }

  /** Ends the response, optionally with a last chunk. Further calls are ignored. */
  end(chunk?: Chunk): this {
    if (this.#ended || this.#discard) return this;
    const n = chunk === undefined ? 0 : byteLength(chunk);
    if (!this.#committed) {
      // The whole body is known before the head goes out: it gets a Content-Length.
      if (n > 0) {
        this.#queue(chunk!);
        this.#pendingBytes += n;
      }
      this.#ended = true;
      this.#commit();
      return this;
    }
    if (n > 0) this.write(chunk!);
    this.#ended = true;
    if (this.#discard) return this;
    if (this.#flushed) this.#finish();
    return this;
  }

  /** Sends `value` as JSON (`application/json`), with `status` when given. */
  json(value: unknown, status?: number): this {
    if (status !== undefined) this.statusCode = status;
    if (!this.hasHeader('content-type')) this.setHeader('Content-Type', JSON_TYPE);
    return this.end(JSON.stringify(value));
  }

  /** Sends a string (text/plain), bytes (application/octet-stream) or anything else as JSON. */
  send(body: string | Uint8Array | object | null | undefined): this {
    if (body === null || body === undefined) return this.end();
    if (typeof body === 'string') {
      if (!this.hasHeader('content-type')) this.setHeader('Content-Type', TEXT);
      return this.end(body);
    }
    if (body instanceof Uint8Array) {
      if (!this.hasHeader('content-type')) this.setHeader('Content-Type', 'application/octet-stream');
      return this.end(body);
    }
    return this.json(body);
  }

  #queue(chunk: Chunk): void {
    if (this.#pending === undefined) this.#pending = [chunk];
    else this.#pending.push(chunk);
  }

  #assertOpen(): void {
    if (this.#committed) throw new Error('Cannot change headers after they are sent');
  }

  #commit(): void {
    this.#committed = true;
    this.#t.onCommit();
    if (!this.#flushed && !this.#discard) this.#flushHead();
  }

  /**
   * Serialises the head and everything written so far, framed as `BodyFraming`
   * decides. The chain's head hooks run first, the last moment its fields can change.
   */
  #flushHead(): void {
    if (this.#flushed) return;
    this.#t.beforeHead();
    if (this.#flushed) return;
    this.#flushed = true;
    const t = this.#t;
    const status = this.statusCode;
    // Read once: whatever the head says about persistence is what the connection will do.
    if (!t.keepAlive) t.keepAlive = false;
    const h = this.#headers;
    const extra = this.#body.head(status, h, this.#ended, this.#pendingBytes);
    const pending = this.#pending;
    this.#pending = undefined;
    const head = serializeHead(status, h, extra);
    // A complete answer of at most one chunk goes out as one write, as node:http does: one
    // syscall and no corked-writev bookkeeping (the common case of `end(body)` and `json()`).
    if (this.#ended && (pending === undefined || pending.length === 1)) {
      if (this.#body.sendWithHead(head, !this.#obsText, pending?.[0])) {
        this.#pendingBytes = 0;
        this.#finish();
        return;
      }
    }
    t.cork();
    t.send(head, true);
    if (pending) for (const chunk of pending) this.#body.send(chunk);
    const drain = !this.#ended && this.#needDrain;
    this.#pendingBytes = 0;
    if (this.#ended) this.#finish();
    t.uncork();
    if (drain) this[kDrain]();
  }

  /** Replaces the app's output with another answer (the chain's, or a 500). */
  #discardAppOutput(): void {
    this.#discard = true;
    this.#pending = undefined;
    this.#pendingBytes = 0;
  }

  [kSendFinal](status: number, body: Uint8Array | null): void {
    this.#discardAppOutput();
    this.#discard = false;
    this.#committed = true;
    this.#ended = true;
    this.#flushed = false;
    this.statusCode = status;
    this.#headers.delete('transfer-encoding');
    if (body && body.byteLength > 0) {
      this.#pending = [body];
      this.#pendingBytes = body.byteLength;
    }
    if (!this.#headers.has('content-length') && !bodyless(status)) {
      this.#headers.set('content-length', { name: 'Content-Length', value: String(this.#pendingBytes) });
    }
    this.#flushHead();
    this.#discard = true;
  }

  [kDrain](): void {
    if (!this.#needDrain) return;
    this.#needDrain = false;
    this.emit('drain');
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (!this.#body.end()) return;
    this.#t.onEnd(this.#body.bytes);
    this.emit('finish');
  }
}

Object.setPrototypeOf(RawResponse.prototype, EventEmitter.prototype);

/**
 * Checks a fixed set and builds its field lines (and, for distinct names, the block of all of
 * them), once: every answer then reuses the same entries.
 */
function fixedSet(names: readonly string[], lower: readonly string[], values: readonly string[]): FixedSet {
  const entries: HeaderEntry[] = [];
  const keys: string[] = [];
  let obsText = false;
  let text = '';
  let hasDate = false;
  for (let i = 0; i < names.length; i++) {
    const rec = fieldRecord(names[i]);
    if (rec.lower !== lower[i])
      throw new TypeError(`setMissing(): ${lower[i]} is not ${names[i]} in lower case`);
    if (checkValue(rec, names[i], values[i])) obsText = true;
    checkFramingField(rec.lower, values[i]);
    const entry = fieldEntry(rec, names[i], values[i]);
    entries.push(entry);
    keys.push(rec.lower);
    text += entry.line;
    if (rec.lower === 'date') hasDate = true;
  }
  const distinct = new Set(lower).size === lower.length && lower.length === names.length;
  if (distinct && entries.length > 1) entries[0] = { ...entries[0], block: { entries, text, hasDate } };
  return { names, lower, keys, entries, obsText, distinct };
}
