import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { setMissingOn } from './set-missing';

const names = ['X-Frame-Options', 'Referrer-Policy', 'X-Content-Type-Options'];
const lower = names.map((n) => n.toLowerCase());
const values = ['SAMEORIGIN', 'no-referrer', 'nosniff'];

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe('setMissingOn', () => {
  it('sets every field on a response that has none', () => {
    const res = response();
    setMissingOn(res, names, lower, values);
    expect(res.getHeaders()).toEqual({
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    });
    expect(res.getHeaderNames()).toEqual(lower);
  });

  it("keeps the value the response already has, whatever its name's spelling", () => {
    const res = response();
    res.setHeader('x-FRAME-options', 'DENY');
    res.setHeader('Content-Type', 'text/plain');
    setMissingOn(res, names, lower, values);
    expect(res.getHeader('x-frame-options')).toBe('DENY');
    expect(res.getHeader('referrer-policy')).toBe('no-referrer');
    expect(res.getHeader('content-type')).toBe('text/plain');
  });

  it('changes nothing once the head is sent', () => {
    const res = response();
    res.writeHead(204);
    setMissingOn(res, names, lower, values);
    expect(res.getHeaderNames()).toEqual([]);
  });
});

describe('setMissingOn, a fixed set seen before', () => {
  const set = {
    names: ['X-Frame-Options', 'X-Download-Options'],
    lower: ['x-frame-options', 'x-download-options'],
    values: ['SAMEORIGIN', 'noopen'],
  };

  it('fills the fields without setHeader, leaving what setHeader would', () => {
    const first = response();
    first.setHeader('Content-Type', 'text/plain');
    setMissingOn(first, set.names, set.lower, set.values);
    const second = response();
    second.setHeader('Content-Type', 'text/plain');
    second.setHeader('x-download-options', 'custom');
    const spy = vi.spyOn(second, 'setHeader');
    setMissingOn(second, set.names, set.lower, set.values);
    expect(spy).not.toHaveBeenCalled();
    expect(second.getHeader('x-frame-options')).toBe('SAMEORIGIN');
    expect(second.getHeader('x-download-options')).toBe('custom');
    expect(second.getHeaderNames()).toEqual(['content-type', 'x-download-options', 'x-frame-options']);
    second.writeHead(200);
    expect(second.getHeader('x-frame-options')).toBe('SAMEORIGIN');
    expect(String((second as unknown as { _header: string })._header)).toContain(
      'X-Frame-Options: SAMEORIGIN\r\n',
    );
    const third = response();
    third.setHeader('Content-Type', 'text/plain');
    setMissingOn(third, set.names, set.lower, set.values);
    expect(third.getHeaders()).toEqual({ ...first.getHeaders() });
  });

  it('goes back through setHeader when the arrays changed since, so a value with CR LF still throws', () => {
    const names = ['X-A'];
    const lower = ['x-a'];
    const values = ['1'];
    const warm = response();
    warm.setHeader('Content-Type', 'text/plain');
    setMissingOn(warm, names, lower, values);
    values[0] = 'ok\r\nSet-Cookie: evil=1';
    const res = response();
    res.setHeader('Content-Type', 'text/plain');
    expect(() => setMissingOn(res, names, lower, values)).toThrow(/Invalid character/);
    expect(res.getHeader('x-a')).toBeUndefined();
  });

  it('never remembers a set with a value setHeader refuses', () => {
    const names = ['X-B', 'X-C'];
    const lower = ['x-b', 'x-c'];
    const values = ['1', 'bad\nvalue'];
    for (let i = 0; i < 2; i++) {
      const res = response();
      res.setHeader('Content-Type', 'text/plain');
      expect(() => setMissingOn(res, names, lower, values)).toThrow(/Invalid character/);
      expect(res.getHeader('x-c')).toBeUndefined();
    }
  });

  it('keys the table by the real lower-case name even when the caller passed another', () => {
    const names = ['X-Mixed'];
    const wrong = ['X-MIXED'];
    const values = ['1'];
    for (let i = 0; i < 2; i++) {
      const res = response();
      res.setHeader('Content-Type', 'text/plain');
      setMissingOn(res, names, wrong, values);
      expect(res.getHeader('x-mixed')).toBe('1');
    }
  });
});
