// The wire table: exact request bytes, how many requests complete, and the error status if any.
// Shared by the parser tests (every split point) and the socket tests (whole input).

export interface WireCase {
  name: string;
  /** Request bytes (each char one byte, latin1). */
  input: string;
  /** Requests that parse completely before the error (or the end). */
  ok: number;
  /** Status the server answers the framing error with, if any (then it closes). */
  error?: number;
  /** True when the connection must close even without an error (Connection: close, HTTP/1.0). */
  close?: boolean;
  /** Parsed, but answered with this status instead of reaching the handler (the wire table). */
  served?: number;
}

const H = 'Host: a\r\n';
const get = (extra = '') => `GET / HTTP/1.1\r\n${H}${extra}\r\n`;
const post = (framing: string, body: string) => `POST /p HTTP/1.1\r\n${H}${framing}\r\n${body}`;

export const CASES: WireCase[] = [
  // Well-formed requests
  { name: 'simple GET', input: get(), ok: 1 },
  { name: 'one leading CRLF is ignored (RFC 9112 §2.2)', input: `\r\n${get()}`, ok: 1 },
  {
    name: 'HTTP/1.0 without Host closes after the answer',
    input: 'GET / HTTP/1.0\r\n\r\n',
    ok: 1,
    close: true,
  },
  {
    name: 'HTTP/1.0 keep-alive allows a second request',
    input: `GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n${get()}`,
    ok: 2,
  },
  { name: 'Content-Length body', input: post('Content-Length: 5\r\n', 'hello'), ok: 1 },
  { name: 'Content-Length with leading zeros', input: post('Content-Length: 005\r\n', 'hello'), ok: 1 },
  { name: 'Content-Length: 0', input: post('Content-Length: 0\r\n', ''), ok: 1 },
  {
    name: 'trailing HTAB after Content-Length is OWS',
    input: post('Content-Length: 5\t\r\n', 'hello'),
    ok: 1,
  },
  {
    name: 'chunked body with extensions and trailers',
    input: post(
      'Transfer-Encoding: chunked\r\n',
      '5;a=b;c="d\\"e"\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n',
    ),
    ok: 1,
  },
  {
    name: 'chunked with upper-case hex and 000 last chunk',
    input: post('Transfer-Encoding: Chunked\r\n', 'A\r\n0123456789\r\n000\r\n\r\n'),
    ok: 1,
  },
  { name: 'three pipelined requests', input: get() + post('Content-Length: 2\r\n', 'hi') + get(), ok: 3 },
  { name: 'OWS around a value is stripped; obs-text allowed', input: get('X-A: \t v\xe9 \t\r\n'), ok: 1 },
  { name: 'empty field value', input: get('X-Empty:\r\n'), ok: 1 },
  { name: 'absolute-form target', input: 'GET http://a/x?y HTTP/1.1\r\nHost: a\r\n\r\n', ok: 1 },
  // Parsed, then refused: no other host routes asterisk-form alike (@hono/node-server refuses it).
  { name: 'OPTIONS *', input: 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n', ok: 1, served: 400 },
  {
    name: 'Upgrade is served as a normal request',
    input: get('Connection: Upgrade\r\nUpgrade: websocket\r\n'),
    ok: 1,
  },
  {
    name: 'bytes after Connection: close are never parsed',
    input: get('Connection: close\r\n') + 'GARBAGE\r\n\r\n',
    ok: 1,
    close: true,
  },
  {
    name: 'smuggled request after Connection: close gets no answer',
    input: get('Connection: close\r\n') + get(),
    ok: 1,
    close: true,
  },
  { name: 'IPv6 Host', input: 'GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n', ok: 1 },

  // Line endings and layout (RFC 9112 §2.2, §5)
  { name: 'bare LF line endings', input: 'GET / HTTP/1.1\nHost: a\n\n', ok: 0, error: 400 },
  {
    name: 'bare LF inside the header section',
    input: 'GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n',
    ok: 0,
    error: 400,
  },
  { name: 'bare CR inside a value', input: get('Foo: 1\rBar: 2\r\n'), ok: 0, error: 400 },
  { name: 'bare CR after the request-line', input: 'GET / HTTP/1.1\rHost: a\r\n\r\n', ok: 0, error: 400 },
  { name: 'two leading CRLFs', input: `\r\n\r\n${get()}`, ok: 0, error: 400 },
  { name: 'obs-fold', input: get('X-A: 1\r\n 2\r\n'), ok: 0, error: 400 },
  {
    name: 'whitespace before the first field',
    input: 'GET / HTTP/1.1\r\n Host: a\r\n\r\n',
    ok: 0,
    error: 400,
  },
  { name: 'space before the colon', input: get('Content-Length : 0\r\n'), ok: 0, error: 400 },
  { name: 'tab before the colon', input: get('X-A\t: 1\r\n'), ok: 0, error: 400 },
  { name: 'non-token field name', input: get('Fo@: x\r\n'), ok: 0, error: 400 },
  { name: 'empty field name', input: get(': x\r\n'), ok: 0, error: 400 },
  { name: 'field line without a colon', input: get('NoColonHere\r\n'), ok: 0, error: 400 },
  { name: 'NUL in a value', input: get('X: a\x00b\r\n'), ok: 0, error: 400 },
  { name: 'control character in a value', input: get('X: a\x01b\r\n'), ok: 0, error: 400 },
  { name: 'DEL in a value', input: get('X: a\x7fb\r\n'), ok: 0, error: 400 },
  { name: 'non-HTTP bytes', input: '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', ok: 0, error: 400 },

  // Request-line (RFC 9112 §3)
  { name: 'whitespace inside the target', input: `GET /a b HTTP/1.1\r\n${H}\r\n`, ok: 0, error: 400 },
  { name: 'HTAB inside the target', input: `GET /a\tb HTTP/1.1\r\n${H}\r\n`, ok: 0, error: 400 },
  { name: 'two spaces after the method', input: `GET  / HTTP/1.1\r\n${H}\r\n`, ok: 0, error: 400 },
  { name: 'raw UTF-8 in the target', input: `GET /\xc3\xa9 HTTP/1.1\r\n${H}\r\n`, ok: 0, error: 400 },
  {
    name: 'target neither origin- nor absolute-form',
    input: `GET abc HTTP/1.1\r\n${H}\r\n`,
    ok: 0,
    error: 400,
  },
  { name: 'asterisk-form with GET', input: `GET * HTTP/1.1\r\n${H}\r\n`, ok: 0, error: 400 },
  { name: 'invalid method character', input: `GE(T / HTTP/1.1\r\n${H}\r\n`, ok: 0, error: 400 },
  { name: 'missing HTTP-version (HTTP/0.9)', input: 'GET /\r\n\r\n', ok: 0, error: 400 },
  { name: 'lower-case http version', input: `GET / http/1.1\r\n${H}\r\n`, ok: 0, error: 400 },
  { name: 'version with extra characters', input: `GET / HTTP/1.10\r\n${H}\r\n`, ok: 0, error: 400 },
  { name: 'HTTP/2.0 request-line', input: `GET / HTTP/2.0\r\n${H}\r\n`, ok: 0, error: 505 },
  { name: 'HTTP/1.2', input: `GET / HTTP/1.2\r\n${H}\r\n`, ok: 0, error: 505 },
  { name: 'PRI preface', input: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', ok: 0, error: 505 },
  { name: 'CONNECT', input: 'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n', ok: 0, error: 501 },
  {
    name: 'target longer than maxRequestTargetLength',
    input: `GET /${'a'.repeat(9000)} HTTP/1.1\r\n${H}\r\n`,
    ok: 0,
    error: 414,
  },

  // Host (RFC 9112 §3.2)
  { name: 'HTTP/1.1 without Host', input: 'GET / HTTP/1.1\r\n\r\n', ok: 0, error: 400 },
  { name: 'duplicate Host', input: get('Host: b\r\n'), ok: 0, error: 400 },
  { name: 'Host with userinfo', input: 'GET / HTTP/1.1\r\nHost: u@a\r\n\r\n', ok: 0, error: 400 },

  // Content-Length (RFC 9110 §8.6, RFC 9112 §6.3)
  {
    name: 'identical duplicate Content-Length',
    input: post('Content-Length: 1\r\nContent-Length: 1\r\n', 'x'),
    ok: 0,
    error: 400,
  },
  {
    name: 'different duplicate Content-Length',
    input: post('Content-Length: 1\r\nContent-Length: 2\r\n', 'xy'),
    ok: 0,
    error: 400,
  },
  { name: 'Content-Length list', input: post('Content-Length: 1, 1\r\n', 'x'), ok: 0, error: 400 },
  { name: 'Content-Length with a sign', input: post('Content-Length: +1\r\n', 'x'), ok: 0, error: 400 },
  { name: 'negative Content-Length', input: post('Content-Length: -1\r\n', 'x'), ok: 0, error: 400 },
  {
    name: 'Content-Length with an inner space',
    input: post('Content-Length: 1 1\r\n', 'x'),
    ok: 0,
    error: 400,
  },
  { name: 'hex Content-Length', input: post('Content-Length: 0x5\r\n', 'hello'), ok: 0, error: 400 },
  { name: 'empty Content-Length', input: post('Content-Length:\r\n', ''), ok: 0, error: 400 },
  {
    name: 'Content-Length of 2^64 (no wrap)',
    input: post('Content-Length: 18446744073709551616\r\n', ''),
    ok: 0,
    error: 400,
  },
  {
    name: 'Content-Length over maxBodySize',
    input: post('Content-Length: 99999999\r\n', ''),
    ok: 0,
    error: 413,
  },

  // Transfer-Encoding (RFC 9112 §6.1, §6.3)
  {
    name: 'CL.TE',
    input: post('Content-Length: 6\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\nG'),
    ok: 0,
    error: 400,
  },
  {
    name: 'TE.CL',
    input: post('Transfer-Encoding: chunked\r\nContent-Length: 3\r\n', '0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'TE in HTTP/1.0',
    input: 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ok: 0,
    error: 400,
  },
  { name: 'TE xchunked', input: post('Transfer-Encoding: xchunked\r\n', '0\r\n\r\n'), ok: 0, error: 400 },
  {
    name: 'chunked not last',
    input: post('Transfer-Encoding: chunked, identity\r\n', '0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'chunked twice on two lines',
    input: post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  { name: 'empty Transfer-Encoding', input: post('Transfer-Encoding:\r\n', '0\r\n\r\n'), ok: 0, error: 400 },
  {
    name: 'Transfer-Encoding obs-fold',
    input: post('Transfer-Encoding:\r\n chunked\r\n', '0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'chunked with a parameter',
    input: post('Transfer-Encoding: chunked;q=1\r\n', '0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'unknown coding before chunked',
    input: post('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n'),
    ok: 0,
    error: 501,
  },
  {
    name: 'bare LF hiding Transfer-Encoding',
    input: post('X: x\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
    ok: 0,
    error: 400,
  },

  // Chunked framing (RFC 9112 §7.1)
  { name: 'chunk size not hex', input: post('Transfer-Encoding: chunked\r\n', 'zz\r\n'), ok: 0, error: 400 },
  {
    name: 'chunk size overflow',
    input: post('Transfer-Encoding: chunked\r\n', '10000000000000005\r\nx\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'chunk size over maxBodySize',
    input: post('Transfer-Encoding: chunked\r\n', '100001\r\n'),
    ok: 0,
    error: 413,
  },
  {
    name: 'space after the chunk size',
    input: post('Transfer-Encoding: chunked\r\n', '5 \r\nhello\r\n0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'semicolon without extension',
    input: post('Transfer-Encoding: chunked\r\n', '5;\r\nhello\r\n0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'extension without semicolon',
    input: post('Transfer-Encoding: chunked\r\n', '2 erfrferferf\r\nhi\r\n0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'unterminated quoted extension',
    input: post('Transfer-Encoding: chunked\r\n', '5;a="b\r\nhello\r\n0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'chunk data not followed by CRLF',
    input: post('Transfer-Encoding: chunked\r\n', '5\r\nhelloXX0\r\n\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'chunk header ended by bare CR',
    input: post('Transfer-Encoding: chunked\r\n', '5\r\r;ABCD\r\n'),
    ok: 0,
    error: 400,
  },
  {
    name: 'chunk extensions over 16 KiB',
    input: post('Transfer-Encoding: chunked\r\n', `1;a=${'b'.repeat(17000)}\r\nx\r\n0\r\n\r\n`),
    ok: 0,
    error: 413,
  },
  {
    name: 'NUL in a trailer',
    input: post('Transfer-Encoding: chunked\r\n', '0\r\nX: a\x00\r\n\r\n'),
    ok: 0,
    error: 400,
  },

  // Limits and expectations
  {
    name: 'header section over maxHeaderSize',
    input: get(`X-Big: ${'a'.repeat(17000)}\r\n`),
    ok: 0,
    error: 431,
  },
  { name: 'more fields than maxHeadersCount', input: get('X-N: 1\r\n'.repeat(100)), ok: 0, error: 431 },
  { name: 'unknown expectation', input: get('Expect: teapot\r\n'), ok: 0, error: 417 },

  // Errors after good requests are answered after them, in order
  { name: 'valid request then garbage', input: `${get()}BAD\r\n\r\n`, ok: 1, error: 400 },
  {
    name: 'two valid requests then a smuggling attempt',
    input: get() + get() + post('Content-Length: 1\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
    ok: 2,
    error: 400,
  },
];
