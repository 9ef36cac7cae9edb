import { describe, expect, it } from 'vitest';
import type { RequestHead } from '../src/_server/head';
import type { ParseError } from '../src/_server/parse-error';
import { type ParserLimits, RequestParser } from '../src/_server/parser';
import { CASES } from './_cases';

const LIMITS: ParserLimits = {
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 100,
  maxRequestTargetLength: 8 * 1024,
  maxBodySize: 1024 * 1024,
};

interface Trace {
  events: string[];
  heads: RequestHead[];
  bodies: string[];
  trailers: string[][];
  complete: number;
  error: number | undefined;
}

/** Feeds `parts` one after another and records every callback, bodies merged per message. */
function run(parts: Buffer[], limits = LIMITS): Trace {
  const t: Trace = { events: [], heads: [], bodies: [], trailers: [], complete: 0, error: undefined };
  let body: Buffer[] = [];
  const parser = new RequestParser(
    {
      onHead(head) {
        // A refused head ends the parse as an error does (the server answers it the same way
        // without a chain); the chain test covers the answer with one.
        if (head.refusal) {
          t.error = head.refusal.status;
          t.events.push(`error ${head.refusal.status}`);
          return;
        }
        t.heads.push(head);
        t.events.push(
          `head ${head.method} ${head.target} 1.${head.minor} ${JSON.stringify(head.rawHeaders)}`,
        );
      },
      onBody(chunk) {
        body.push(Buffer.from(chunk));
      },
      onComplete(trailers) {
        const b = Buffer.concat(body).toString('latin1');
        body = [];
        t.bodies.push(b);
        t.trailers.push(trailers);
        t.complete++;
        t.events.push(`complete ${JSON.stringify(b)} ${JSON.stringify(trailers)}`);
      },
      onError(error: ParseError) {
        t.error = error.status;
        t.events.push(`error ${error.status}`);
      },
    },
    limits,
  );
  for (const p of parts) parser.execute(p);
  return t;
}

function bytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

describe('RequestParser wire table', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.ok} request(s)${c.error ? `, then ${c.error}` : ''}, at every split`, () => {
      const input = bytes(c.input);
      const whole = run([input]);
      expect(whole.complete).toBe(c.ok);
      expect(whole.error).toBe(c.error);
      // Byte by byte.
      const single = run([...input].map((b) => Buffer.from([b])));
      expect(single.events).toEqual(whole.events);
      // Every split point (large inputs: a spread of them, they are all byte-by-byte above anyway).
      const step = input.length > 2000 ? Math.ceil(input.length / 200) : 1;
      for (let k = 1; k < input.length; k += step) {
        const split = run([input.subarray(0, k), input.subarray(k)]);
        expect(split.events, `split at ${k}`).toEqual(whole.events);
      }
    });
  }
});

describe('RequestParser values', () => {
  it('strips leading and trailing OWS and keeps obs-text as latin1', () => {
    const t = run([bytes('GET / HTTP/1.1\r\nHost: a\r\nX-A: \t v\xe9 w \t\r\n\r\n')]);
    expect(t.heads[0].rawHeaders).toEqual(['Host', 'a', 'X-A', 'v\xe9 w']);
  });

  it('keeps repeated fields apart in the field map', () => {
    const t = run([bytes('GET / HTTP/1.1\r\nHost: a\r\nAccept: x\r\naccept: y\r\n\r\n')]);
    expect(t.heads[0].fields.get('accept')).toEqual(['x', 'y']);
  });

  it('decodes a chunked body and hands trailers over separately', () => {
    const t = run([
      bytes(
        'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 9\r\n\r\n',
      ),
    ]);
    expect(t.bodies).toEqual(['abcde']);
    expect(t.trailers).toEqual([['X-T', '9']]);
    expect(t.heads[0].fields.has('x-t')).toBe(false);
  });

  it('skips the leading CRLF when reading the method', () => {
    const t = run([bytes('\r\nDELETE /x HTTP/1.1\r\nHost: a\r\n\r\n')]);
    expect(t.heads[0].method).toBe('DELETE');
  });

  it('reports keep-alive per RFC 9112 §9.3', () => {
    const heads = (s: string) => run([bytes(s)]).heads[0];
    expect(heads('GET / HTTP/1.1\r\nHost: a\r\n\r\n').keepAlive).toBe(true);
    expect(heads('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n').keepAlive).toBe(false);
    expect(heads('GET / HTTP/1.0\r\n\r\n').keepAlive).toBe(false);
    expect(heads('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n').keepAlive).toBe(true);
  });

  it('ignores Expect: 100-continue on HTTP/1.0 (RFC 9110 §10.1.1)', () => {
    expect(run([bytes('GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n')]).heads[0].expectContinue).toBe(
      false,
    );
    expect(
      run([bytes('GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n')]).heads[0].expectContinue,
    ).toBe(true);
  });

  it('counts the header limit from the request-line: exactly maxHeaderSize passes, one more is 431', () => {
    const base = 'GET / HTTP/1.1\r\nHost: a\r\nX: \r\n\r\n';
    const pad = 'a'.repeat(LIMITS.maxHeaderSize - base.length);
    const fits = `GET / HTTP/1.1\r\nHost: a\r\nX: ${pad}\r\n\r\n`;
    expect(fits.length).toBe(LIMITS.maxHeaderSize);
    expect(run([bytes(fits)]).complete).toBe(1);
    expect(run([bytes(fits.replace('X: ', 'X: a'))]).error).toBe(431);
  });

  it('stops at a message boundary when paused and resumes where it stopped', () => {
    const events: string[] = [];
    const parser = new RequestParser(
      {
        onHead: (h) => events.push(h.target),
        onBody() {},
        onComplete: () => parser.pause(),
        onError: (e) => events.push(String(e.status)),
      },
      LIMITS,
    );
    const input = bytes('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n');
    const n = parser.execute(input);
    expect(events).toEqual(['/1']);
    parser.resume();
    parser.execute(input, n);
    expect(events).toEqual(['/1', '/2']);
  });
});
