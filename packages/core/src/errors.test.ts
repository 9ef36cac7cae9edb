import { describe, expect, it } from 'vitest';
import { runFake } from './_testing';
import { compose } from './compose';
import { HttpError } from './errors';

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
