// Every adapter and the raw server check their own option objects the way the policy does: a
// typo is an error at startup naming the option and the closest known one, never a silent default.
import { ConfigError, compose } from '@bouncer/core';
import { bouncer as expressBouncer } from '@bouncer/express';
import { bouncer as honoBouncer } from '@bouncer/hono';
import { bouncer as koaBouncer } from '@bouncer/koa';
import { createServer } from '@bouncer/raw';
import { describe, expect, it } from 'vitest';

const chain = compose([]);
const handler = () => {};

describe('adapter and server options', () => {
  it.each([
    ['@bouncer/express', () => expressBouncer(chain, { audt: 'warn' } as never), 'audt', 'audit'],
    ['@bouncer/koa', () => koaBouncer(chain, { audt: 'warn' } as never), 'audt', 'audit'],
    ['@bouncer/hono', () => honoBouncer(chain, { onEror: () => {} } as never), 'onEror', 'onError'],
    ['createServer', () => createServer({ handler, maxBodySise: 10 } as never), 'maxBodySise', 'maxBodySize'],
  ])('%s refuses an unknown option, suggesting the known one', (name, make, typo, meant) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(`${name}: option \`${typo}\` is not a known option: did you mean \`${meant}\`?`);
  });

  it('refuses option objects that are not objects, and callbacks that are not functions', () => {
    expect(() => expressBouncer(chain, 'warn' as never)).toThrow(
      /@bouncer\/express: option `options` must be an options object/,
    );
    expect(() => koaBouncer(chain, [] as never)).toThrow(
      /@bouncer\/koa: option `options` must be an options object/,
    );
    expect(() => expressBouncer(chain, { onError: 'log' as never })).toThrow(
      /option `onError` must be a function/,
    );
    expect(() => honoBouncer(chain, { peer: '127.0.0.1' as never })).toThrow(
      /option `peer` must be a function/,
    );
  });

  it('accepts every documented option', () => {
    expect(() => expressBouncer(chain, { onError: () => {}, audit: 'warn' })).not.toThrow();
    expect(() => koaBouncer(chain, { audit: 'throw' })).not.toThrow();
    expect(() => honoBouncer(chain, { onError: () => {}, peer: () => '127.0.0.1' })).not.toThrow();
    expect(() =>
      createServer({ handler, chain, maxBodySize: 10, keepAliveTimeout: 0, errorHeaders: {} }),
    ).not.toThrow();
  });
});
