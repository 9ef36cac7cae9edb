import type { Socket } from 'node:net';
import type { RequestHead } from './_head';
import { Exchange, type ExchangeOwner } from './exchange';
import { type ParseError, type ParserSink, RequestParser } from './parser';
import type { Chunk } from './response';
import { cannedResponse } from './serialize';
import type { ServerCore } from './server-options';

enum Clock {
  None,
  Headers,
  Request,
  KeepAlive,
}

/** Most requests a client may pipeline ahead of our answers before we stop reading. */
const MAX_PIPELINE = 32;
/** How long a closing socket may linger after `end()` so the client can read our last answer. */
const LINGER_MS = 500;

function problem(status: number, title: string): string {
  return cannedResponse(
    status,
    'application/problem+json',
    JSON.stringify({ type: 'about:blank', title, status }),
  );
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
  505: 'HTTP Version Not Supported',
};

/**
 * One client connection: feeds bytes to the parser, starts an exchange per request, writes the
 * answers strictly in request order (RFC 9112 §9.3.2), and closes in stages when it must.
 * Each connection owns its timers (no periodic sweep): headers, whole request, keep-alive idle.
 */
export class Connection implements ParserSink, ExchangeOwner {
  readonly #socket: Socket;
  readonly #server: ServerCore;
  readonly #parser: RequestParser;
  /** Exchanges awaiting their turn on the wire, then a canned error if one ends the connection. */
  readonly #queue: (Exchange | string)[] = [];
  #reading: Exchange | undefined;
  #queuedBytes = 0;
  #requests = 0;
  #closing = false;
  #peerEnded = false;
  #destroyed = false;
  #paused = false;
  #leftover: Buffer | undefined;
  #clock = Clock.None;
  #timer: NodeJS.Timeout | undefined;
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
    this.onData = this.onData.bind(this);
    this.onDrain = this.onDrain.bind(this);
    this.onEnd = this.onEnd.bind(this);
    this.onClose = this.onClose.bind(this);
    this.onTimeout = this.onTimeout.bind(this);
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', noop);
    this.#now = this.#requestStart = Date.now();
    this.#updateClock();
  }

  // ---- ExchangeOwner ----
  get chain() {
    return this.#server.chain;
  }
  get handler() {
    return this.#server.handler;
  }
  get highWaterMark(): number {
    return this.#server.options.highWaterMark;
  }
  get persistent(): boolean {
    return !this.#closing && !this.#peerEnded;
  }
  isActive(exchange: Exchange): boolean {
    return this.#queue[0] === exchange;
  }
  write(data: Chunk, latin1: boolean): boolean {
    if (this.#destroyed) return true;
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
    this.#queuedBytes += bytes;
    if (this.#overloaded()) this.#pauseReading();
  }
  done(exchange: Exchange): void {
    if (this.#queue[0] !== exchange) return;
    this.#queue.shift();
    exchange.finish(false);
    if (!exchange.keepAlive) {
      // RFC 9112 §9.6: after a `close` answer, nothing else is processed or sent.
      this.#parser.kill();
      this.#dropQueue();
      this.#closeGently();
      return;
    }
    if (this.#reading === exchange && !exchange.req.body.started) exchange.req.body.discard();
    this.#pump();
    this.#updateClock();
  }
  destroy(): void {
    this.#socket.destroy();
  }
  reportError(error: unknown): void {
    this.#server.reportError(error);
  }

  // ---- ParserSink ----
  onHead(head: RequestHead): void {
    const exchange = new Exchange(this, head, this.#address, this.#port);
    const max = this.#server.options.maxRequestsPerSocket;
    if (++this.#requests === max || this.#closing) {
      exchange.keepAlive = false;
      this.#parser.finishAfterMessage();
    }
    this.#queue.push(exchange);
    this.#reading = exchange;
    exchange.start();
  }
  onBody(chunk: Buffer): void {
    this.#reading?.req.body.push(chunk);
  }
  onComplete(trailers: string[]): void {
    const exchange = this.#reading;
    this.#reading = undefined;
    this.#requestStart = this.#now;
    if (exchange) {
      exchange.req.rawTrailers = trailers;
      exchange.req.body.end();
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
    const head = this.#queue[0];
    if (typeof head === 'object') head.res.emitDrain();
    if (this.#paused && !this.#overloaded()) this.#resumeReading();
  }

  onEnd(): void {
    // The client half-closed: answer what it sent, then close (node's allowHalfOpen = false).
    this.#peerEnded = true;
    const reading = this.#reading;
    this.#parser.kill();
    if (reading && !reading.req.body.complete) reading.failBody(400, 'truncated body');
    if (this.#queue.length === 0) this.#closeGently();
  }

  onClose(): void {
    this.#destroyed = true;
    this.#parser.kill();
    this.#setClock(Clock.None, 0);
    for (const item of this.#queue) if (typeof item === 'object') item.finish(true);
    this.#reading?.finish(true);
    this.#queue.length = 0;
    this.#server.forget(this);
  }

  onTimeout(): void {
    this.#timer = undefined;
    const clock = this.#clock;
    this.#clock = Clock.None;
    if (clock === Clock.KeepAlive) this.#closeGently();
    else this.#failRequest(408, 'request timeout');
  }

  /** Server shutdown: finish what is in flight, close idle connections now. */
  shutdown(): void {
    this.#closing = true;
    this.#parser.finishAfterMessage();
    if (this.#queue.length === 0 && (this.#parser.idle || this.#parser.dead)) this.#closeGently();
  }

  // ---- internals ----
  /** A framing error or timeout: answer it (after earlier answers) and close; parse nothing more. */
  #failRequest(status: number, reason: string): void {
    this.#parser.kill();
    this.#leftover = undefined;
    const reading = this.#reading;
    this.#reading = undefined;
    if (reading && !reading.req.body.complete) {
      // The error belongs to a request whose exchange already exists: never a second response.
      reading.failBody(status, reason);
      if (reading.ended && this.#queue.length === 0) this.#closeGently();
      return;
    }
    this.#queue.push(problem(status, TITLES[status] ?? 'Bad Request'));
    this.#pump();
  }

  #pump(): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const head = queue[0];
      if (typeof head === 'string') {
        queue.length = 0;
        if (!this.#destroyed) this.#socket.write(head, 'latin1');
        this.#closeGently();
        return;
      }
      this.#queuedBytes -= head.activate();
      if (!head.ended) break;
      queue.shift();
      head.finish(false);
      if (!head.keepAlive) {
        this.#parser.kill();
        this.#dropQueue();
        this.#closeGently();
        return;
      }
    }
    if (this.#paused && !this.#overloaded()) this.#resumeReading();
    if (queue.length === 0 && (this.#peerEnded || (this.#closing && this.#parser.idle))) this.#closeGently();
  }

  #dropQueue(): void {
    for (const item of this.#queue) if (typeof item === 'object') item.finish(true);
    this.#queue.length = 0;
  }

  #overloaded(): boolean {
    return (
      this.#queue.length > MAX_PIPELINE ||
      this.#queuedBytes + this.#socket.writableLength > this.#server.options.highWaterMark
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
    this.#setClock(Clock.None, 0);
    if (this.#destroyed) return;
    this.#parser.kill();
    this.#socket.end();
    setTimeout(destroySocket, LINGER_MS, this.#socket).unref();
  }

  /** Picks the one clock that applies now and arms it (a timer per connection, not a sweep). */
  #updateClock(): void {
    if (this.#destroyed) return;
    const o = this.#server.options;
    const parser = this.#parser;
    if (parser.dead) {
      if (this.#clock !== Clock.KeepAlive) this.#setClock(Clock.None, 0);
    } else if (parser.inHead) {
      const limit = o.requestTimeout > 0 ? Math.min(o.headersTimeout, o.requestTimeout) : o.headersTimeout;
      this.#setClock(Clock.Headers, this.#requestStart + limit);
    } else if (this.#reading && !this.#reading.req.body.complete && o.requestTimeout > 0) {
      this.#setClock(Clock.Request, this.#requestStart + o.requestTimeout);
    } else if (this.#queue.length === 0 && parser.idle) {
      if (this.#requests === 0) this.#setClock(Clock.Headers, this.#requestStart + o.headersTimeout);
      else if (this.#clock !== Clock.KeepAlive)
        this.#setClock(Clock.KeepAlive, Date.now() + o.keepAliveTimeout);
    } else {
      this.#setClock(Clock.None, 0);
    }
  }

  #deadline = 0;

  #setClock(clock: Clock, at: number): void {
    if (clock === this.#clock && at === this.#deadline) return;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#clock = clock;
    this.#deadline = at;
    if (clock === Clock.None) return;
    const o = this.#server.options;
    // A zero timeout disables that clock, as in node:http.
    if (
      clock === Clock.KeepAlive
        ? o.keepAliveTimeout === 0
        : clock === Clock.Headers
          ? o.headersTimeout === 0
          : false
    ) {
      return;
    }
    this.#timer = setTimeout(this.onTimeout, Math.max(1, at - Date.now()));
  }
}

function noop(): void {}

function destroySocket(socket: Socket): void {
  socket.destroy();
}
