import { describe, expect, it } from 'vitest';
import { checkAnswer } from './probe';

const body = '[1,2,3]';
const headers = { Origin: 'https://app.example' };
const protectedHeaders = () =>
  new Headers({
    'x-content-type-options': 'nosniff',
    'access-control-allow-origin': 'https://app.example',
    'ratelimit-policy': '"default";q=100;w=60',
  });

describe('checkAnswer', () => {
  it('accepts a bare variant that answers 200 with the payload', () => {
    expect(
      checkAnswer(
        { variant: { expects: 'nothing' }, headers, expectedBody: body },
        { status: 200, headers: new Headers(), body },
      ),
    ).toEqual([]);
  });

  it('flags a wrong status or body', () => {
    const problems = checkAnswer(
      { variant: { expects: 'nothing' }, headers, expectedBody: body },
      { status: 404, headers: new Headers(), body: 'nope' },
    );
    expect(problems).toEqual(['status 404, expected 200', 'body differs from the prices payload']);
  });

  it('requires the security, CORS and rate-limit headers of a protected variant', () => {
    const input = { variant: { expects: 'protection' as const }, headers, expectedBody: body };
    expect(checkAnswer(input, { status: 200, headers: protectedHeaders(), body })).toEqual([]);
    expect(checkAnswer(input, { status: 200, headers: new Headers(), body })).toEqual([
      'no X-Content-Type-Options: nosniff',
      'no Access-Control-Allow-Origin for the allowed origin',
      'no rate-limit header',
    ]);
  });

  it('requires a JWT variant to refuse the request without its token', () => {
    const input = { variant: { expects: 'protection+jwt' as const }, headers, expectedBody: body };
    expect(checkAnswer(input, { status: 200, headers: protectedHeaders(), body }, { status: 401 })).toEqual(
      [],
    );
    expect(checkAnswer(input, { status: 200, headers: protectedHeaders(), body }, { status: 200 })).toEqual([
      'a request without the token got 200, expected 401',
    ]);
  });
});
