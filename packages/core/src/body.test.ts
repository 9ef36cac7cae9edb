import { describe, expect, it } from 'vitest';
import { FakeHost, type FakeRequest } from './_testing';
import { DEFAULT_BODY_LIMIT, decodeBody, parseJsonBody, RequestBody } from './body';
import { HttpError } from './errors';

function bodyOf(req: FakeRequest) {
  const host = new FakeHost({ method: 'POST', ...req });
  return { host, body: new RequestBody(host) };
}

describe('RequestBody', () => {
  it('reads a declared Content-Length of 1*DIGIT, and one too long to be exact as Infinity', () => {
    const length = (cl: string) => bodyOf({ headers: { 'content-length': cl } }).body.length;
    expect(length('0')).toBe(0);
    expect(length('42')).toBe(42);
    expect(length('007')).toBe(7);
    expect(length('999999999999999')).toBe(999_999_999_999_999);
    expect(length('1000000000000000')).toBe(Number.POSITIVE_INFINITY);
    for (const bad of ['', '+5', '-1', ' 5', '5 ', '0x10', '1e3', '4 2', '5, 5']) {
      expect(length(bad), JSON.stringify(bad)).toBeUndefined();
    }
    expect(bodyOf({}).body.length).toBeUndefined();
  });

  it('sees a body when Content-Length is above zero or Transfer-Encoding is present (RFC 9112 §6.3)', () => {
    expect(bodyOf({}).body.present).toBe(false);
    expect(bodyOf({ headers: { 'content-length': '0' } }).body.present).toBe(false);
    expect(bodyOf({ headers: { 'content-length': '1' } }).body.present).toBe(true);
    expect(bodyOf({ headers: { 'transfer-encoding': 'chunked' } }).body.present).toBe(true);
    expect(bodyOf({ headers: { 'content-length': 'x', 'transfer-encoding': 'chunked' } }).body.present).toBe(
      true,
    );
    expect(bodyOf({ headers: { 'content-length': 'x' } }).body.present).toBe(false);
  });

  it('starts at the default 1 MiB limit', () => {
    expect(DEFAULT_BODY_LIMIT).toBe(1_048_576);
    expect(bodyOf({}).body.limit).toBe(DEFAULT_BODY_LIMIT);
  });

  it('reads from the host once, with the current limit, and hands every reader the same bytes', async () => {
    const { host, body } = bodyOf({ body: 'hello' });
    body.limit = 64;
    let askedLimit = 0;
    const read = host.readBody.bind(host);
    host.readBody = (limit: number) => {
      askedLimit = limit;
      return read(limit);
    };
    expect(body.consumed).toBe(false);
    const first = body.bytes();
    expect(body.consumed).toBe(true);
    expect(body.bytes()).toBe(first);
    expect(await body.text()).toBe('hello');
    expect(new TextDecoder().decode(await first)).toBe('hello');
    expect(host.bodyReads).toBe(1);
    expect(askedLimit).toBe(64);
  });

  it('refuses a declared length over the limit with 413 without reading, and accepts exactly the limit', async () => {
    const over = bodyOf({ body: '12345', headers: { 'content-length': '5' } });
    over.body.limit = 4;
    const err = await over.body.bytes().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 413, detail: 'Body exceeds 4 bytes', policy: 'bodyLimit' });
    expect(over.host.bodyReads).toBe(0);

    const exact = bodyOf({ body: '12345' });
    exact.body.limit = 5;
    expect(await exact.body.text()).toBe('12345');
  });

  it('answers an absent body with no bytes, without asking the host', async () => {
    const { host, body } = bodyOf({ method: 'GET' });
    expect((await body.bytes()).byteLength).toBe(0);
    expect(host.bodyReads).toBe(0);
    expect(body.consumed).toBe(true);
  });

  it('reads a chunked body from the host (no length to check up front)', async () => {
    const { host, body } = bodyOf({ body: 'abc', headers: { 'transfer-encoding': 'chunked' } });
    expect(await body.text()).toBe('abc');
    expect(host.bodyReads).toBe(1);
  });

  it('parses JSON and answers 400 to invalid UTF-8 or malformed JSON', async () => {
    expect(await bodyOf({ body: '{"a":[1,2]}' }).body.json()).toEqual({ a: [1, 2] });
    await expect(bodyOf({ body: '{"a":' }).body.json()).rejects.toMatchObject({
      status: 400,
      detail: 'Body is not valid JSON',
    });
    await expect(bodyOf({ body: new Uint8Array([0x7b, 0xff, 0x7d]) }).body.text()).rejects.toMatchObject({
      status: 400,
      detail: 'Body is not valid UTF-8',
    });
  });
});

describe('decodeBody and parseJsonBody', () => {
  it('decode strict UTF-8 and JSON, keeping the cause', () => {
    expect(decodeBody(new TextEncoder().encode('grüße'))).toBe('grüße');
    expect(parseJsonBody('[1]')).toEqual([1]);
    try {
      parseJsonBody('nope');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HttpError);
      expect((e as HttpError).cause).toBeInstanceOf(SyntaxError);
    }
    try {
      decodeBody(new Uint8Array([0xc3]));
      expect.unreachable();
    } catch (e) {
      expect((e as HttpError).status).toBe(400);
      expect((e as HttpError).cause).toBeInstanceOf(TypeError);
    }
  });
});
