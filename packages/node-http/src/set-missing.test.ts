import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
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
