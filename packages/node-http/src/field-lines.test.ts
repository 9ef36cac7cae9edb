import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { fieldLines, requestHeader, requestHeaderLines } from './field-lines';

// Request headers as the core reads them: joined like Node joins them, or line by line.

const req = (headers: Record<string, string | string[]>, rawHeaders: string[]) =>
  ({ headers, rawHeaders }) as unknown as IncomingMessage;

describe('requestHeader and requestHeaderLines', () => {
  it('joins the lines of a list header with a comma and a space', () => {
    expect(requestHeader(req({ 'set-x': ['a', 'b'] }, []), 'set-x')).toBe('a, b');
    expect(requestHeader(req({ host: 'x' }, []), 'host')).toBe('x');
    expect(requestHeader(req({}, []), 'host')).toBeUndefined();
  });

  it('reads the lines from rawHeaders, keeping the duplicates Node drops, in any case', () => {
    const r = req({ authorization: 'Bearer a' }, [
      'Authorization',
      'Bearer a',
      'X-Other',
      '1',
      'AUTHORIZATION',
      'Bearer b',
    ]);
    expect(requestHeaderLines(r, 'authorization')).toEqual(['Bearer a', 'Bearer b']);
    expect(requestHeaderLines(req({}, []), 'host')).toEqual([]);
  });

  it('matches whole names only', () => {
    expect(fieldLines(['Hosts', 'a', 'Hos', 'b', 'host', 'c', 'HOST', 'd'], 'host')).toEqual(['c', 'd']);
    expect(fieldLines(['x-a', '1'], 'host')).toEqual([]);
  });
});
