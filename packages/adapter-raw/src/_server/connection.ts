import type { Socket } from 'node:net';
import { Clock, ConnectionClock } from './clock';
import { Exchange, type ExchangeOwner } from './exchange';
import type { RequestHead } from './head';
import type { ParseError } from './parse-error';
import { type ParserSink, RequestParser } from './parser';
import { Pipeline } from './pipeline';
import { kDrain } from './response';
import type { ServerCore } from './server-options';
import type { Chunk } from './transport';
import { type Held, holdUntilBatchEnd } from './write-batch';

/** Most requests a client may pipeline ahead of our answers before we stop reading. */
const MAX_PIPELINE = 32;
/** How long a closing socket may linger after `end()` so the client can read our last answer. */
const LINGER_MS = 500;

/**
 * One client connection: feeds bytes to the parser, starts an exchange per request, writes the
 * answers strictly in request order (RFC 9112 §9.3.2), and closes in stages when it must.
 * Each connection owns its timers (no periodic sweep): headers, whole request, keep-alive idle.
 */
export class Connection implements ParserSink, ExchangeOwner, Held {
  readonly #socket: Socket;
  readonly #server: ServerCore;
  readonly #parser: RequestParser;
  readonly #queue = new Pipeline();
  readonly #clock: ConnectionClock;
  #reading: Exchange | undefined;
  #requests = 0;
  #closing = false;
  #peerEnded = false;
  #destroyed = false;
  #paused = false;
  /** The socket is corked until the current batch of ready sockets is over (see write-batch.ts). */
  #held = false;
  #leftover: Buffer | undefined;
  #requestStart = 0;
  #now = 0;
  readonly #address: string;
  readonly #port: number;

  constructor(socket: Socket, server: ServerCore) {
    this.#socket = socket;
    this.#server = server;
    this.#address = socket.remoteAddress ?? '';
    this.#port = socket.remotePort ?? 0;
    this.#parser = new RequestParser(this, server.options);
    this.#clock = new ConnectionClock(server.options, (clock) => this.#onTimeout(clock));
    this.onData = this.onData.bind(this);
    this.onDrain = this.onDrain.bind(this);
    this.onEnd = this.onEnd.bind(this);
    this.onClose = this.onClose.bind(this);
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', noop);
    this.#now = this.#requestStart = Date.now();
    this.#updateClock();
  }

  // ---- ExchangeOwner ----
  persistent(exchange: Exchange): boolean {
    if (!this.#closing && !this.#peerEnded) return true;
    // Only the last answer says `close` (node marks the last queued response `_last`): answers
    // to requests already received still go out. A head still being read will be the last one.
    return !this.#queue.isLast(exchange) || this.#parser.inHead;
  }
  isActive(exchange: Exchange): boolean {
    return this.#queue.isActive(exchange);
  }
  write(data: Chunk, latin1: boolean): boolean {
    if (this.#destroyed) return true;
    if (!this.#held) {
      this.#held = true;
      this.#socket.cork();
      holdUntilBatchEnd(this);
    }
    return latin1 && typeof data === 'string' ? this.#socket.write(data, 'latin1') : this.#socket.write(data);
  }
  cork(): boolean {
    if (this.#destroyed) return false;
    this.#socket.cork();
    return true;
  }
  uncork(): void {
    this.#socket.uncork();
  }
  queued(bytes: number): void {
    this.#queue.bytes += bytes;
    if (this.#overloaded()) this.#pauseReading();
  }
  done(exchange: Exchange): void {
    if (!this.#queue.isActive(exchange)) return;
    if (!this.#queue.retire()) {
      this.#closeAfterLast();
      return;
    }
    if (this.#reading === exchange && !exchange.body.started) exchange.body.discard();
    this.#pump();
    this.#updateClock();
  }
  destroy(): void {
    // What was written goes to the client before the connection does, as it would have unheld.
    this.release();
    this.#socket.destroy();
  }

  // ---- Held ----
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#socket.uncork();
  }

  // ---- ParserSink ----
  onHead(head: RequestHead): void {
    const refusal = head.refusal;
    if (refusal !== undefined && this.#server.chain === undefined) {
      this.#failRequest(refusal.status, refusal.reason);
      return;
    }
    const exchange = new Exchange(this, this.#server, head, this.#address, this.#port);
    const max = this.#server.options.maxRequestsPerSocket;
    if (++this.#requests === max || this.#closing) {
      exchange.keepAlive = false;
      this.#parser.finishAfterMessage();
    }
    this.#queue.push(exchange);
    // A refused head's body is never read: the exchange is not the one reading.
    this.#reading = refusal === undefined ? exchange : undefined;
    exchange.start();
  }
  onBody(chunk: Buffer): void {
    this.#reading?.body.push(chunk);
  }
  onComplete(trailers: string[]): void {
    const exchange = this.#reading;
    this.#reading = undefined;
    this.#requestStart = this.#now;
    if (exchange) {
      exchange.req.rawTrailers = trailers;
      exchange.body.end();
    }
    if (this.#overloaded()) this.#pauseReading();
  }
  onError(error: ParseError): void {
    this.#failRequest(error.status, error.reason);
  }

  // ---- socket events ----
  onData(buf: Buffer): void {
    if (this.#paused) {
      this.#leftover = this.#leftover ? Buffer.concat([this.#leftover, buf]) : buf;
      return;
    }
    this.#now = Date.now();
    if (this.#parser.idle) this.#requestStart = this.#now;
    const n = this.#parser.execute(buf);
    if (n < buf.length && !this.#parser.dead) this.#leftover = buf.subarray(n);
    this.#updateClock();
  }

  onDrain(): void {
    this.#queue.active?.res[kDrain]();
    if (this.#paused && !this.#overloaded()) this.#resumeReading();
  }

  onEnd(): void {
    this.#peerEnded = true;
    if (this.#queue.length > 0 && !this.#server.options.allowHalfOpen) {
      // node:http's default (httpAllowHalfOpen = false): a FIN is the client leaving, so what it
      // is still waiting for is aborted rather than written to a socket nobody reads.
      this.#abort();
      return;
    }
    // Half-open allowed, or nothing pending: answer what was received, then close.
    const reading = this.#reading;
    this.#parser.kill();
    if (reading && !reading.body.complete) reading.failBody(400, 'truncated body');
    if (this.#queue.length === 0) this.#closeGently();
  }

  onClose(): void {
    this.#abort();
    this.#server.forget(this);
  }

  /** Server shutdown: finish what is in flight, close idle connections now. */
  shutdown(): void {
    this.#closing = true;
    this.#parser.finishAfterMessage();
    if (this.#queue.length === 0 && (this.#parser.idle || this.#parser.dead)) this.#closeGently();
  }

  // ---- internals ----
  #onTimeout(clock: Clock): void {
    if (clock === Clock.KeepAlive) this.#closeGently();
    else this.#failRequest(408, 'request timeout');
  }

  /** A framing error or timeout: answer it (after earlier answers) and close; parse nothing more. */
  #failRequest(status: number, reason: string): void {
    this.#parser.kill();
    this.#leftover = undefined;
    const reading = this.#reading;
    this.#reading = undefined;
    if (reading && !reading.body.complete) {
      // The error belongs to a request whose exchange already exists: never a second response.
      reading.failBody(status, reason);
      if (reading.ended && this.#queue.length === 0) this.#closeGently();
      return;
    }
    this.#queue.push(this.#server.canned.answer(status));
    this.#pump();
  }

  #pump(): void {
    if (!this.#queue.advance(this)) {
      this.#closeAfterLast();
      return;
    }
    if (this.#paused && !this.#overloaded()) this.#resumeReading();
    const idle = this.#queue.length === 0;
    if (idle && (this.#peerEnded || (this.#closing && this.#parser.idle))) this.#closeGently();
  }

  /** RFC 9112 §9.6: after a `close` answer (or a canned error), nothing else is processed or sent. */
  #closeAfterLast(): void {
    this.#parser.kill();
    this.#queue.abortAll();
    this.#closeGently();
  }

  /** The connection is gone: every pending exchange finishes as aborted, nothing more is read or written. */
  #abort(): void {
    this.#destroyed = true;
    this.#parser.kill();
    this.#leftover = undefined;
    this.#clock.cancel();
    this.#queue.abortAll();
    this.#reading?.finish(true);
    this.#reading = undefined;
    this.#socket.destroy();
  }

  #overloaded(): boolean {
    return (
      this.#queue.length > MAX_PIPELINE ||
      this.#queue.bytes + this.#socket.writableLength > this.#server.options.highWaterMark
    );
  }

  #pauseReading(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#parser.pause();
    this.#socket.pause();
  }

  #resumeReading(): void {
    this.#paused = false;
    this.#parser.resume();
    const rest = this.#leftover;
    this.#leftover = undefined;
    if (rest) this.onData(rest);
    if (!this.#paused) this.#socket.resume();
  }

  /** End our side once everything is written, then destroy after a short linger (RFC 9112 §9.6). */
  #closeGently(): void {
    this.#clock.cancel();
    if (this.#destroyed) return;
    this.#parser.kill();
    this.#socket.end();
    setTimeout(destroySocket, LINGER_MS, this.#socket).unref();
  }

  #updateClock(): void {
    if (this.#destroyed) return;
    const reading = this.#reading;
    const bodyPending = reading !== undefined && !reading.body.complete;
    this.#clock.update(
      this.#parser,
      bodyPending,
      this.#queue.length === 0,
      this.#requests,
      this.#requestStart,
    );
  }
}

function noop(): void {}

function destroySocket(socket: Socket): void {
  socket.destroy();
}
