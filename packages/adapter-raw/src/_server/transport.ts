// The contract between a response and what carries it to the wire (the exchange).

export type Chunk = string | Uint8Array;

/** What a response writes through: the exchange that orders it on the connection. */
export interface ResponseTransport {
  readonly isHead: boolean;
  /** Minor version of the request: 0 means no chunked encoding (close-delimited instead). */
  readonly minor: number;
  /** Whether the connection may stay open after this response; the response may turn it off. */
  keepAlive: boolean;
  readonly highWaterMark: number;
  /** The `Keep-Alive` field line a persistent answer carries (`''` for none). */
  readonly keepAliveField: string;
  /** The app committed its head (first writeHead / write / end). */
  onCommit(): void;
  /** The head is about to be serialised: the chain's head hooks may still change its fields. */
  beforeHead(): void;
  /** Bytes for the wire, in order; returns false when the caller should wait for `'drain'`. */
  send(data: Chunk, latin1?: boolean): boolean;
  /** Batches the writes until `uncork()` (head + body in one syscall). */
  cork(): void;
  uncork(): void;
  /** The last byte has been handed over. */
  onEnd(bodyBytes: number): void;
  /** The framing cannot be completed (Content-Length not met): the connection must go. */
  abort(error: Error): void;
}
