import { describe, expect, it } from 'vitest';
import { runFake } from './_testing';
import { compose } from './compose';
import { BouncerError, ConfigError, HttpError, PROBLEM_TYPE, problemBody, statusTitle } from './errors';

describe('statusTitle', () => {
  it('names every status the bouncer and the raw server answer with (RFC 9110 §15 reason phrases)', () => {
    expect(
      Object.fromEntries(
        [400, 401, 403, 404, 405, 408, 411, 413, 414, 415, 417, 429, 431, 500, 501, 503, 505].map((s) => [
          s,
          statusTitle(s),
        ]),
      ),
    ).toEqual({
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      405: 'Method Not Allowed',
      408: 'Request Timeout',
      411: 'Length Required',
      413: 'Content Too Large',
      414: 'URI Too Long',
      415: 'Unsupported Media Type',
      417: 'Expectation Failed',
      429: 'Too Many Requests',
      431: 'Request Header Fields Too Large',
      500: 'Internal Server Error',
      501: 'Not Implemented',
      503: 'Service Unavailable',
      505: 'HTTP Version Not Supported',
    });
  });

  it('falls back to the class of an unnamed status: 5xx from 500 up, client error below', () => {
    expect(statusTitle(418)).toBe('Client Error');
    expect(statusTitle(499)).toBe('Client Error');
    expect(statusTitle(502)).toBe('Server Error');
    expect(statusTitle(599)).toBe('Server Error');
  });
});

describe('problemBody', () => {
  it('is the RFC 9457 shape, with detail only when given', () => {
    expect(JSON.parse(problemBody(429, 'slow down'))).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'slow down',
    });
    expect(problemBody(404)).toBe('{"type":"about:blank","title":"Not Found","status":404}');
    expect(JSON.parse(problemBody(400, ''))).toHaveProperty('detail', '');
    expect(PROBLEM_TYPE).toBe('application/problem+json');
  });
});

describe('HttpError', () => {
  it('carries status, detail, headers, policy and cause, and is a BouncerError', () => {
    const cause = new Error('inner');
    const e = new HttpError(401, {
      detail: 'no token',
      headers: { 'WWW-Authenticate': 'Bearer' },
      policy: 'jwtAuth',
      cause,
    });
    expect(e).toBeInstanceOf(BouncerError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('HttpError');
    expect(e.message).toBe('no token');
    expect(e.status).toBe(401);
    expect(e.detail).toBe('no token');
    expect(e.headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
    expect(e.policy).toBe('jwtAuth');
    expect(e.cause).toBe(cause);
  });

  it('uses the status title as its message when no detail is given', () => {
    const e = new HttpError(413);
    expect(e.message).toBe('Content Too Large');
    expect(e.detail).toBeUndefined();
    expect(e.headers).toBeUndefined();
    expect(e.policy).toBeUndefined();
  });

  it('accepts 400 and 599 and refuses any status outside 4xx–5xx or not an integer', () => {
    expect(new HttpError(400).status).toBe(400);
    expect(new HttpError(599).status).toBe(599);
    for (const bad of [399, 600, 200, 404.5, Number.NaN]) {
      expect(() => new HttpError(bad), String(bad)).toThrow(RangeError);
    }
    expect(() => new HttpError(600)).toThrow('HttpError: status must be an integer from 400 to 599, got 600');
  });
});

describe('ConfigError', () => {
  it('names the middleware and the option in its message and fields', () => {
    const e = new ConfigError('rateLimit', 'limit', 'must be positive, got -1');
    expect(e).toBeInstanceOf(BouncerError);
    expect(e.name).toBe('ConfigError');
    expect(e.middleware).toBe('rateLimit');
    expect(e.option).toBe('limit');
    expect(e.message).toBe('rateLimit: option `limit` must be positive, got -1');
    expect(new BouncerError('x').name).toBe('BouncerError');
  });
});

// A second, independent copy of this module, as an app gets when its policy module is CommonJS and
// the app is ESM (or two versions of @bouncer/core sit in one tree).
const copyPath = './errors.ts?second-copy';
const other = (await import(/* @vite-ignore */ copyPath)) as typeof import('./errors');

describe('HttpError across copies of @bouncer/core', () => {
  it('is a different class in the second copy, so instanceof cannot be used', () => {
    expect(other.HttpError).not.toBe(HttpError);
    expect(new other.HttpError(403) instanceof HttpError).toBe(false);
  });

  it('HttpError.is() recognises a rejection from either copy by its brand', () => {
    expect(HttpError.is(new other.HttpError(403))).toBe(true);
    expect(other.HttpError.is(new HttpError(429))).toBe(true);
    expect(HttpError.is(new Error('x'))).toBe(false);
    expect(HttpError.is({ status: 403 })).toBe(false);
    expect(HttpError.is(null)).toBe(false);
  });

  it('a rejection thrown by the other copy is answered with its own status, not a 500', async () => {
    const chain = compose([
      async function closed() {
        throw new other.HttpError(403, { detail: 'closed on Sundays', policy: 'closed' });
      },
    ]);
    const result = await runFake(chain, {});
    expect(result.status).toBe(403);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ status: 403, detail: 'closed on Sundays' });
    expect(result.errors).toEqual([]);
    expect(result.reached).toBe(false);
  });
});

describe('HttpError.is: what counts as one', () => {
  const brand = Symbol.for('bouncer.http-error');
  it('takes a branded object with a numeric status only', () => {
    expect(HttpError.is(new HttpError(403))).toBe(true);
    expect(HttpError.is({ [brand]: true, status: 403 })).toBe(true);
    expect(HttpError.is({ [brand]: true, status: '403' })).toBe(false);
    expect(HttpError.is(Object.assign(() => {}, { [brand]: true, status: 403 }))).toBe(false);
    expect(HttpError.is({ status: 403 })).toBe(false);
    expect(HttpError.is(null)).toBe(false);
  });
});
