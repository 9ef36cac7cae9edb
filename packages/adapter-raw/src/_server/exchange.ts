import { type Context, HttpError } from '@bouncer/core';
import { ANSWERED, PROBLEM_TYPE, parseTarget, problemBody, runChain } from '@bouncer/core/adapter';
import { type BodyOwner, BodyReader } from './body';
import type { RequestHead } from './head';
import { RequestHost } from './host';
import { Outbox } from './pipeline';
import { RawRequest } from './request';
import { kBytesSent, kFlushed, kRemoveHeader, kSendFinal, kSetHeader, RawResponse } from './response';
import type { ServerCore } from './server-options';
import type { Chunk, ResponseTransport } from './transport';

/** What an exchange needs from its connection: its place on the wire. */
export interface ExchangeOwner {
  /** False when this exchange's answer is the connection's last (server closing, client gone). */
  persistent(exchange: Exchange): boolean;
  isActive(exchange: Exchange): boolean;
  write(data: Chunk, latin1: boolean): boolean;
  /** Corks the socket; false when there is none to cork. */
  cork(): boolean;
  uncork(): void;
  queued(bytes: number): void;
  done(exchange: Exchange): void;
  destroy(): void;
}

/** The application: a function of request, response and the state the chain filled in. */
export type Handler<S extends object = Record<string, unknown>> = (
  req: RawRequest,
  res: RawResponse,
  state: S,
) => unknown;

const encoder = new TextEncoder();
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * One request/response pair on a connection. It is the core's `Host` for that request, the
 * response's transport (ordering its bytes behind earlier pipelined answers), and the body's owner.
 */
export class Exchange extends RequestHost implements ResponseTransport, BodyOwner {
  readonly req: RawRequest;
  readonly res: RawResponse;
  readonly fields: ReadonlyMap<string, readonly string[]>;
  readonly body: BodyReader;
  readonly state: Record<string, unknown> = {};
  readonly isHead: boolean;
  readonly minor: number;
  readonly highWaterMark: number;
  /** The chain has not settled yet: a body failure reaches it through its read. */
  #inChain = false;
  /** The response's last byte has been produced (it may still wait in `out`). */
  ended = false;
  #finished = false;
  /** Set when the connection died first: the body's failure, so that it is not reported as the app's. */
  #abortError: Error | undefined;
  readonly #owner: ExchangeOwner;
  readonly #server: ServerCore;
  #keepAlive: boolean;
  readonly #expectContinue: boolean;
  #continueSent = false;
  /** Made on first use: most answers find the wire free. */
  #out: Outbox | undefined;
  #bodyBytes = 0;
  #resolveCommit: (() => void) | undefined;
  /** Nested cork() calls that reached the socket and still need their uncork(). */
  #corks = 0;
  /** The server refuses this request (its head is well framed): the chain answers, never the app. */
  readonly #refusal: number;

  constructor(owner: ExchangeOwner, server: ServerCore, head: RequestHead, address: string, port: number) {
    super();
    this.#owner = owner;
    this.#server = server;
    this.fields = head.fields;
    this.body = new BodyReader(this, !head.chunked && head.contentLength <= 0);
    this.req = new RawRequest(head, address, port, this.body);
    this.res = new RawResponse(this);
    this.isHead = head.method === 'HEAD';
    this.minor = head.minor;
    this.#keepAlive = head.keepAlive;
    this.#expectContinue = head.expectContinue;
    this.highWaterMark = server.options.highWaterMark;
    this.#refusal = head.refusal === undefined ? 0 : head.refusal.status;
    // Never read: a middleware reading it gets the server's refusal (e.g. the 413 of maxBodySize).
    if (this.#refusal !== 0) this.body.fail(new HttpError(this.#refusal));
  }

  // ---- Host (the rest is RequestHost's) ----
  reportError(error: unknown): void {
    // The client left while the app read its body: that failure is no fault of the app's.
    if (this.#abortError === undefined || error !== this.#abortError) this.#server.reportError(error);
  }

  // ---- ResponseTransport ----
  /** Persistence as the head will announce it; once false it stays false. */
  get keepAlive(): boolean {
    if (!this.#keepAlive || !this.#owner.persistent(this)) return false;
    // The client may still be waiting to send a body we never asked for (RFC 9110 §10.1.1).
    if (this.#expectContinue && !this.#continueSent && !this.body.complete) return false;
    return true;
  }
  set keepAlive(value: boolean) {
    if (!value) this.#keepAlive = false;
  }

  get scheme(): 'http' | 'https' {
    return this.#server.scheme;
  }

  get keepAliveField(): string {
    return this.#server.options.keepAliveField;
  }

  onCommit(): void {
    const resolve = this.#resolveCommit;
    if (resolve) {
      this.#resolveCommit = undefined;
      resolve();
    }
  }

  send(data: Chunk, latin1 = false): boolean {
    // The connection is gone: the app's later writes are accepted and dropped, never an error.
    if (this.#abortError !== undefined) return true;
    if (this.#owner.isActive(this)) return this.#owner.write(data, latin1);
    this.#out ??= new Outbox();
    const out = this.#out;
    this.#owner.queued(out.hold(data, latin1));
    return out.bytes < this.highWaterMark;
  }

  cork(): void {
    if (this.#owner.isActive(this) && this.#owner.cork()) this.#corks++;
  }

  uncork(): void {
    if (this.#corks > 0) {
      this.#corks--;
      this.#owner.uncork();
    }
  }

  onEnd(bodyBytes: number): void {
    this.ended = true;
    this.#bodyBytes = bodyBytes;
    if (this.#owner.isActive(this)) this.#owner.done(this);
  }

  abort(error: Error): void {
    this.#server.reportError(error);
    this.#owner.destroy();
  }

  // ---- BodyOwner ----
  onBodyRead(): void {
    if (!this.#expectContinue || this.#continueSent || this.body.complete || this.res[kFlushed]) return;
    this.#continueSent = true;
    this.send(CONTINUE, true);
  }

  // ---- lifecycle, driven by the connection ----
  /** Becomes the connection's active exchange: flush what waited. Returns the bytes flushed. */
  activate(): number {
    return this.#out === undefined ? 0 : this.#out.flush(this.#owner);
  }

  /** Fires the finish hook once (RFC-agnostic bookkeeping for access logs and metrics). */
  finish(aborted: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    if (aborted) {
      this.#abortError = new Error('The connection closed before the exchange completed');
      this.body.fail(this.#abortError);
      // Like node's ServerResponse: lets an app waiting for 'drain' stop.
      this.res.emit('close');
    }
    const listener = this.finishListener;
    if (listener) {
      try {
        listener({ bytes: this.#bodyBytes || this.res[kBytesSent], aborted });
      } catch (error) {
        this.#server.reportError(error);
      }
    }
  }

  /** Runs the chain (when there is one) around the handler. Never throws, never rejects. */
  start(): void {
    const chain = this.#server.chain;
    if (chain === undefined) {
      // With a chain, the core refuses such a target (400); without one, the server does.
      if (parseTarget(this.req.target) === undefined) {
        this.res.setHeader('Content-Type', PROBLEM_TYPE);
        this.sendFinal(400, encoder.encode(problemBody(400)));
        return;
      }
      this.#runHandler();
      return;
    }
    this.#inChain = true;
    runChain(chain as never, this, this.state, () => this.downstream()).then(
      (ctx) => this.#settle(ctx),
      (error: unknown) => this.#handlerFailed(error),
    );
  }

  /**
   * The handler as the chain's downstream: resolves when the handler commits its head (or returns
   * without answering: it is still streaming), rejects when it throws before committing.
   */
  downstream(): Promise<void> {
    if (this.#refusal !== 0) return this.#refuse(this.#refusal);
    let out: unknown;
    try {
      out = this.#server.handler(this.req, this.res, this.state);
    } catch (error) {
      return Promise.reject(error);
    }
    const thenable =
      out !== null && typeof out === 'object' && typeof (out as Promise<unknown>).then === 'function';
    // Answered (or returned) already, the usual case: nothing left to wait for.
    if (!thenable) return ANSWERED;
    const result = out as Promise<unknown>;
    if (this.res.headersSent) {
      result.then(undefined, (error: unknown) => this.#afterCommitError(error));
      return ANSWERED;
    }
    return new Promise<void>((resolve, reject) => {
      this.#resolveCommit = resolve;
      result.then(
        () => this.onCommit(),
        (error: unknown) => {
          if (this.res.headersSent) this.#afterCommitError(error);
          else {
            this.#resolveCommit = undefined;
            reject(error);
          }
        },
      );
    });
  }

  /**
   * The server's own refusal as the downstream's answer: the chain's outbound code decorates it
   * (CORS, security headers, request id) as it would any answer, and `errorHeaders` fill in
   * whatever the chain did not set.
   */
  #refuse(status: number): Promise<void> {
    const res = this.res;
    for (const [name, value] of this.#server.options.errorHeaders) {
      if (!res.hasHeader(name)) res[kSetHeader](name, value);
    }
    return Promise.reject(new HttpError(status));
  }

  /** The handler alone (no chain): no commit promise to wait for, only its own result. */
  #runHandler(): void {
    let out: unknown;
    try {
      out = this.#server.handler(this.req, this.res, this.state);
    } catch (error) {
      this.#handlerFailed(error);
      return;
    }
    if (out !== null && typeof out === 'object' && typeof (out as Promise<unknown>).then === 'function') {
      (out as Promise<unknown>).then(undefined, (error: unknown) => this.#handlerFailed(error));
    }
  }

  /** Sends an answer the app did not write (chain short-circuit, error), replacing the app's. */
  sendFinal(status: number, body: Uint8Array | null): void {
    this.res[kSendFinal](status, body);
  }

  /** A framing error or timeout hit this request's body: answer it if nobody else can. */
  failBody(status: number, reason: string): void {
    this.#keepAlive = false;
    const body = this.body;
    const started = body.started;
    body.fail(new HttpError(status, { detail: reason }));
    if (!started && !this.res.headersSent && !this.#inChain) this.#problem(status);
  }

  #settle(ctx: Context<any>): void {
    this.#inChain = false;
    // The chain's own answer (the handler never committed: the core refuses an answer after it).
    if (ctx.response && !this.res[kFlushed]) this.sendFinal(ctx.response.status, ctx.response.body);
  }

  /** The handler failed after its head went out: too late for an answer, the connection goes. */
  #afterCommitError(error: unknown): void {
    this.reportError(error);
    if (this.res[kFlushed]) this.#owner.destroy();
  }

  #handlerFailed(error: unknown): void {
    if (this.res.headersSent) {
      this.#afterCommitError(error);
      return;
    }
    // A rejection the app let through (e.g. the body hit maxBodySize) keeps its status; the rest is a 500.
    if (HttpError.is(error)) {
      this.#problem(error.status);
      return;
    }
    this.reportError(error);
    this.#problem(500);
  }

  /** A problem+json answer (RFC 9457) with no internals in it. */
  #problem(status: number): void {
    if (this.res[kFlushed]) return;
    for (const name of this.res.getHeaderNames()) this.res[kRemoveHeader](name);
    this.res[kSetHeader]('Content-Type', PROBLEM_TYPE);
    for (const [name, value] of this.#server.options.errorHeaders) this.res[kSetHeader](name, value);
    this.sendFinal(status, encoder.encode(problemBody(status)));
  }
}
