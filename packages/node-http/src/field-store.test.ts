import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { getField, setField, validValue } from './field-store';

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

/** A response that has learnt the table (one `setField` through `setHeader`). */
function warmed(): ServerResponse {
  const res = response();
  res.setHeader('Content-Type', 'text/plain');
  setField(res, 'X-Request-Id', 'warm');
  return res;
}

describe('setField / getField', () => {
  it('leaves what setHeader would, without calling it once the name is known', () => {
    warmed();
    const res = response();
    res.setHeader('Content-Type', 'text/plain');
    const spy = vi.spyOn(res, 'setHeader');
    setField(res, 'X-Request-Id', 'abc');
    expect(spy).not.toHaveBeenCalled();
    expect(res.getHeader('x-request-id')).toBe('abc');
    expect(res.getHeaderNames()).toEqual(['content-type', 'x-request-id']);
    expect(res.hasHeader('X-REQUEST-ID')).toBe(true);
    res.writeHead(200);
    expect(String((res as unknown as { _header: string })._header)).toContain('X-Request-Id: abc\r\n');
  });

  it('still refuses a value with CR, LF or NUL, as setHeader does', () => {
    warmed();
    for (const bad of ['a\r\nSet-Cookie: x=1', 'a\nb', 'a\0b', 'a\x7fb']) {
      const res = warmed();
      expect(() => setField(res, 'X-Request-Id', bad)).toThrow(/Invalid character/);
      expect(res.getHeader('x-request-id')).toBe('warm');
    }
  });

  it('refuses a name that is not a token, as setHeader does', () => {
    const res = warmed();
    expect(() => setField(res, 'X Bad', '1')).toThrow(/must be a valid HTTP token/);
    expect(() => setField(res, 'X Bad', '1')).toThrow(/must be a valid HTTP token/);
  });

  it('sends several values (Set-Cookie) through setHeader', () => {
    const res = warmed();
    const spy = vi.spyOn(res, 'setHeader');
    setField(res, 'Set-Cookie', ['a=1', 'b=2']);
    expect(spy).toHaveBeenCalledOnce();
    expect(getField(res, 'set-cookie')).toEqual(['a=1', 'b=2']);
  });

  it('reads what getHeader reads, for a lower-case name', () => {
    const res = warmed();
    res.setHeader('Content-Length', 12);
    expect(getField(res, 'content-length')).toBe(12);
    expect(getField(res, 'content-type')).toBe('text/plain');
    expect(getField(res, 'x-missing')).toBeUndefined();
    expect(getField(response(), 'content-type')).toBeUndefined();
  });

  it('uses only the public methods on a response that keeps its fields elsewhere', () => {
    const fields = new Map<string, unknown>();
    const fake = {
      setHeader: vi.fn((name: string, value: unknown) => fields.set(name.toLowerCase(), value)),
      getHeader: vi.fn((name: string) => fields.get(name.toLowerCase())),
    } as unknown as ServerResponse;
    setField(fake, 'X-Other', '1');
    setField(fake, 'X-Other', '2');
    expect(fake.setHeader).toHaveBeenCalledTimes(2);
    expect(getField(fake, 'x-other')).toBe('2');
    expect(fake.getHeader).toHaveBeenCalledWith('x-other');
  });
});

describe('validValue', () => {
  it('accepts what Node accepts and refuses what it refuses, byte for byte', () => {
    // Node's own rule (validateHeaderValue): HTAB, SP, VCHAR and obs-text; nothing above 0xFF.
    for (let c = 0; c < 0x120; c++) {
      const value = `a${String.fromCharCode(c)}b`;
      const node = !/[^\t\x20-\x7e\x80-\xff]/.test(value);
      expect(validValue(value), `0x${c.toString(16)}`).toBe(node);
    }
    expect(validValue('')).toBe(true);
    expect(validValue('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(validValue('caf\xe9 \u20ac')).toBe(false);
  });
});
