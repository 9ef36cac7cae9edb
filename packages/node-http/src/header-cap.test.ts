import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { headersCut } from './header-cap';

// When Node may have dropped field lines: at 2 × maxHeadersCount entries of rawHeaders.

const req = (lines: number, socket: unknown) =>
  ({ rawHeaders: new Array(lines * 2).fill('x'), socket }) as unknown as IncomingMessage;

describe('headersCut', () => {
  it('counts against the server’s maxHeadersCount, at the cap itself', () => {
    const socket = { server: { maxHeadersCount: 10 } };
    expect(headersCut(req(9, socket))).toBe(false);
    expect(headersCut(req(10, socket))).toBe(true);
  });

  it('uses Node’s default of 1000 lines without a number', () => {
    for (const socket of [null, {}, { server: {} }, { server: { maxHeadersCount: null } }]) {
      expect(headersCut(req(999, socket))).toBe(false);
      expect(headersCut(req(1000, socket))).toBe(true);
    }
  });

  it('never counts a request as cut when the server has no cap (maxHeadersCount 0)', () => {
    expect(headersCut(req(5000, { server: { maxHeadersCount: 0 } }))).toBe(false);
    expect(headersCut(req(0, { server: { maxHeadersCount: 0 } }))).toBe(false);
  });
});
