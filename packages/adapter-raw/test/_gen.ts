// fast-check generators for well-formed HTTP/1.1 requests (RFC 9112), used by fuzz and differential tests.
import fc from 'fast-check';

export interface GenRequest {
  method: string;
  target: string;
  headers: [string, string][];
  body: Buffer;
  chunked: boolean;
  /** Chunk sizes used when `chunked` (sums to body length). */
  chunks: number[];
}

const tchar = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".split(''),
);
const reserved = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'expect',
  'te',
  'upgrade',
  'keep-alive',
  'trailer',
]);
const name = fc
  .array(tchar, { minLength: 1, maxLength: 12 })
  .map((a) => `X-${a.join('')}`)
  .filter((n) => !reserved.has(n.toLowerCase()));
const valueChar = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0x21, max: 0x7e }) },
  { weight: 2, arbitrary: fc.constant(0x20) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
);
const value = fc.array(valueChar, { maxLength: 24 }).map((codes) => String.fromCharCode(...codes).trim());
// Whole percent-encoded triplets, and no `.`/`..` segment: targets every reader parses alike.
const pathChar = fc.constantFrom(...'abcxyz0123-._~!$&()*+,;=:@'.split(''), '%2F', '%20');
const segment = fc
  .array(pathChar, { maxLength: 6 })
  .map((a) => a.join(''))
  .filter((s) => s !== '.' && s !== '..');
const target = fc
  .tuple(
    fc.array(segment, { minLength: 1, maxLength: 4 }),
    fc.option(fc.array(fc.constantFrom(...'ab=&1%20'.split('')), { maxLength: 8 })),
  )
  .map(([segs, q]) => `/${segs.join('/')}${q === null ? '' : `?${q.join('')}`}`);

export const request: fc.Arbitrary<GenRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'REPORT'),
    target,
    headers: fc.array(fc.tuple(name, value), { maxLength: 6 }),
    body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    chunked: fc.boolean(),
    chunkSeed: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
  })
  .map(({ method, target, headers, body, chunked, chunkSeed }) => {
    const chunks: number[] = [];
    let left = body.length;
    for (let i = 0; left > 0; i++) {
      const n = Math.min(left, chunkSeed[i % chunkSeed.length]);
      chunks.push(n);
      left -= n;
    }
    return { method, target, headers, body, chunked: chunked && body.length > 0, chunks };
  });

/** The exact bytes of `r` (Host first, then the generated fields, then framing). */
export function encode(r: GenRequest, extra = ''): Buffer {
  let head = `${r.method} ${r.target} HTTP/1.1\r\nHost: example.test\r\n`;
  for (const [n, v] of r.headers) head += `${n}: ${v}\r\n`;
  if (r.chunked) head += 'Transfer-Encoding: chunked\r\n';
  else if (r.body.length > 0) head += `Content-Length: ${r.body.length}\r\n`;
  head += `${extra}\r\n`;
  const parts: Buffer[] = [Buffer.from(head, 'latin1')];
  if (r.chunked) {
    let at = 0;
    for (const n of r.chunks) {
      parts.push(Buffer.from(`${n.toString(16)}\r\n`), r.body.subarray(at, at + n), Buffer.from('\r\n'));
      at += n;
    }
    parts.push(Buffer.from('0\r\n\r\n'));
  } else parts.push(r.body);
  return Buffer.concat(parts);
}

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'truncate'; at: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    byte: fc.constantFrom(0x0d, 0x0a, 0x00, 0x20, 0x09, 0x3a, 0x2c),
  }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

/** Applies `m` to `input` (positions taken modulo the length). */
export function mutate(input: Buffer, m: Mutation): Buffer {
  if (input.length === 0) return input;
  const at = m.at % input.length;
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(input);
      out[at] ^= 1 << m.bit;
      return out;
    }
    case 'insert':
      return Buffer.concat([input.subarray(0, at), Buffer.from([m.byte]), input.subarray(at)]);
    case 'truncate':
      return input.subarray(0, at);
    case 'duplicate-line': {
      const start = input.lastIndexOf('\r\n', at, 'latin1');
      const end = input.indexOf('\r\n', at, 'latin1');
      if (start === -1 || end === -1 || end <= start) return input;
      return Buffer.concat([input.subarray(0, end), input.subarray(start, end), input.subarray(end)]);
    }
  }
}
