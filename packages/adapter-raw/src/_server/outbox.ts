import type { Chunk } from './transport';

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
