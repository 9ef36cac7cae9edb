// Turns a request head's decoded field lines into framing decisions (RFC 9112 §6, §9.3) and
// rejects every ambiguity that could desynchronise us from a proxy in front of us.
import { contentLength, isToken } from '@bouncer/core/adapter';
import { ParseError } from './parse-error';

export interface RequestHead {
  method: string;
  target: string;
  /** Minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: number;
  /** Field lines as received: name, value, name, value … (names in their original case, values trimmed). */
  rawHeaders: string[];
  /** Lower-case name → its field values in order. */
  fields: Map<string, string[]>;
  /** Declared body length, or -1 when the request has no Content-Length. */
  contentLength: number;
  chunked: boolean;
  /** Whether the connection may carry another request after this one (RFC 9112 §9.3). */
  keepAlive: boolean;
  /** `Expect: 100-continue` on HTTP/1.1 (ignored on 1.0, RFC 9110 §10.1.1). */
  expectContinue: boolean;
  /**
   * A well-framed request the server refuses (a declared body over `maxBodySize`, an expectation,
   * CONNECT, a bad target form or Host): unlike a framing error, its head can be handed to the
   * chain, whose policy answers it. Its body is never read.
   */
  refusal: ParseError | undefined;
}

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;
// RFC 9110 §7.2: Host = uri-host [ ":" port ]; uri-host is an IP-literal or a reg-name.
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/**
 * Validates the request-line and framing fields. A framing error (where the message ends is in
 * doubt) throws `ParseError` with the status to send; any other refusal is recorded as
 * `refusal` (the first one found), so that the head still reaches the chain.
 */
export function analyseHead(
  method: string,
  target: string,
  minor: number,
  rawHeaders: string[],
  maxBodySize: number,
): RequestHead {
  let refusal: ParseError | undefined;
  // RFC 9110 §9.3.6: tunnels are out of scope for this server.
  if (method === 'CONNECT') refusal = new ParseError(501, 'CONNECT is not supported');
  const first = target.charCodeAt(0);
  if (first !== 47 /* / */ && refusal === undefined) {
    if (target === '*') {
      if (method !== 'OPTIONS') refusal = new ParseError(400, 'asterisk-form is only valid for OPTIONS');
    } else if (!ABSOLUTE_FORM.test(target)) {
      refusal = new ParseError(400, 'request-target is neither origin-form nor absolute-form');
    }
  }

  const fields = new Map<string, string[]>();
  let hosts = 0;
  let contentLength = -1;
  let lengthLines = 0;
  let te: string[] | undefined;
  let close = false;
  let keepAliveToken = false;
  let expectContinue = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    const list = fields.get(lower);
    if (list === undefined) fields.set(lower, [value]);
    else list.push(value);
    switch (lower) {
      case 'host':
        hosts++;
        if (!HOST_VALUE.test(value)) refusal ??= new ParseError(400, 'invalid Host');
        break;
      case 'content-length':
        // RFC 9112 §6.3 (5): any doubt about the length is unrecoverable; like llhttp we refuse
        // even identical duplicates and `5, 5` lists, which the RFC only allows us to accept.
        if (++lengthLines > 1) throw new ParseError(400, 'duplicate Content-Length');
        contentLength = parseLength(value);
        if (contentLength > maxBodySize)
          refusal ??= new ParseError(413, 'Content-Length exceeds maxBodySize');
        break;
      case 'transfer-encoding':
        if (te === undefined) te = [value];
        else te.push(value);
        break;
      case 'connection':
        for (const token of value.split(',')) {
          const t = token.trim().toLowerCase();
          if (t === 'close') close = true;
          else if (t === 'keep-alive') keepAliveToken = true;
        }
        break;
      case 'expect':
        if (minor === 1) {
          // RFC 9110 §10.1.1: 100-continue is the only expectation defined; others MAY get 417.
          if (value.toLowerCase() === '100-continue') expectContinue = true;
          else refusal ??= new ParseError(417, 'unsupported expectation');
        }
        break;
    }
  }
  // RFC 9112 §3.2: exactly one Host on HTTP/1.1; more than one is never valid.
  if (hosts > 1 || (minor === 1 && hosts === 0)) refusal ??= new ParseError(400, 'missing or duplicate Host');

  let chunked = false;
  if (te !== undefined) {
    // RFC 9112 §6.1: TE is HTTP/1.1 only; with Content-Length it is a smuggling attempt.
    if (minor === 0) throw new ParseError(400, 'Transfer-Encoding in HTTP/1.0');
    if (lengthLines > 0) throw new ParseError(400, 'Transfer-Encoding with Content-Length');
    checkCodings(te);
    chunked = true;
  }
  const keepAlive = minor === 1 ? !close : keepAliveToken && !close;
  return {
    method,
    target,
    minor,
    rawHeaders,
    fields,
    contentLength,
    chunked,
    // A refused request's body is never read: nothing after it can be framed.
    keepAlive: keepAlive && refusal === undefined,
    expectContinue: expectContinue && refusal === undefined,
    refusal,
  };
}

/** 1*DIGIT (RFC 9110 §8.6), leading zeros allowed, never past 2^53 (no silent precision loss). */
function parseLength(value: string): number {
  const length = contentLength(value);
  if (length === undefined) throw new ParseError(400, 'invalid Content-Length');
  if (length === Number.POSITIVE_INFINITY) throw new ParseError(400, 'Content-Length out of range');
  return length;
}

/** RFC 9112 §6.3 (4): the final coding must be `chunked`, once; §6.1: others are not understood (501). */
function checkCodings(lines: string[]): void {
  const codings: string[] = [];
  for (const line of lines) {
    for (const part of line.split(',')) {
      const coding = part.trim().toLowerCase();
      if (!isToken(coding)) throw new ParseError(400, 'malformed transfer coding');
      codings.push(coding);
    }
  }
  const last = codings.length - 1;
  if (codings[last] !== 'chunked') throw new ParseError(400, 'chunked is not the final transfer coding');
  for (let i = 0; i < last; i++) {
    if (codings[i] === 'chunked') throw new ParseError(400, 'chunked applied more than once');
  }
  if (last > 0) throw new ParseError(501, `transfer coding ${codings[0]} is not implemented`);
}
