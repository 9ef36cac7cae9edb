import type { Exchange } from './exchange';
import type { Chunk } from './transport';

/**
 * A connection's answers in request order (RFC 9112 §9.3.2): exchanges wait for their turn on
 * the wire, buffering what they write meanwhile; a canned error answer may close the line.
 */
export class Pipeline {
  readonly #items: (Exchange | string)[] = [];
  /** Answer bytes buffered by exchanges that still wait for their turn. */
  bytes = 0;

  get length(): number {
    return this.#items.length;
  }

  /** The exchange that owns the wire now, if the front is one. */
  get active(): Exchange | undefined {
    const front = this.#items[0];
    return typeof front === 'object' ? front : undefined;
  }

  isActive(exchange: Exchange): boolean {
    return this.#items[0] === exchange;
  }

  isLast(exchange: Exchange): boolean {
    return this.#items.at(-1) === exchange;
  }

  /** Queues an exchange, or a canned answer (always the last item: nothing is parsed after it). */
  push(item: Exchange | string): void {
    this.#items.push(item);
  }

  /** The active exchange's answer ended: it leaves the line. False when that answer said `close`. */
  retire(): boolean {
    const exchange = this.#items[0] as Exchange;
    // Read while still in line: whether it is the last answer decides (see Connection.persistent).
    const keepAlive = exchange.keepAlive;
    this.#items.shift();
    exchange.finish(false);
    return keepAlive;
  }

  /**
   * Hands the wire to each answer in turn: flushes what the front exchange buffered and retires
   * it once ended; writes a canned answer to `wire` itself. False when the connection must
   * close now (a canned answer went out, or an answer said `close`).
   */
  advance(wire: { write(data: Chunk, latin1: boolean): unknown }): boolean {
    const items = this.#items;
    while (items.length > 0) {
      const front = items[0];
      if (typeof front === 'string') {
        items.length = 0;
        wire.write(front, true);
        return false;
      }
      this.bytes -= front.activate();
      if (!front.ended) break;
      if (!this.retire()) return false;
    }
    return true;
  }

  /** Every exchange still in line finishes as aborted; nothing of theirs will be sent. */
  abortAll(): void {
    for (const item of this.#items) if (typeof item === 'object') item.finish(true);
    this.#items.length = 0;
  }
}

/**
 * What an exchange writes before its turn on the wire (a pipelined answer behind an earlier one,
 * RFC 9112 §9.3.2), kept in order until the connection hands it the socket.
 */
export class Outbox {
  #chunks: Chunk[] | undefined;
  /** Bytes held. */
  bytes = 0;

  /** Keeps `data` (latin1 strings become bytes now, so the encoding is not lost); returns its size. */
  hold(data: Chunk, latin1: boolean): number {
    const chunk = latin1 && typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const n = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (this.#chunks === undefined) this.#chunks = [chunk];
    else this.#chunks.push(chunk);
    this.bytes += n;
    return n;
  }

  /** Writes everything held, in order, and empties; returns the bytes written. */
  flush(wire: { write(chunk: Chunk, latin1: boolean): unknown }): number {
    const chunks = this.#chunks;
    const n = this.bytes;
    if (chunks) {
      this.#chunks = undefined;
      this.bytes = 0;
      for (const chunk of chunks) wire.write(chunk, false);
    }
    return n;
  }
}
