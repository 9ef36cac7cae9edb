import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { runFake } from '../_testing';
import { ConfigError } from '../errors';
import { bouncer, parseDuration } from './index';

const SECRET = 'policy-test-secret-0123456789abcdef-0123456789';
const token = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer('me')
    .setAudience('api')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

const JWT = { algorithms: ['HS256'], issuer: 'me', audience: 'api' } as const;

describe('bouncer(policy)', () => {
  it('should refuse an unknown section, naming it and suggesting the right one', () => {
    expect(() => bouncer({ rateLimt: { limit: 1 } } as never)).toThrow(ConfigError);
    expect(() => bouncer({ rateLimt: { limit: 1 } } as never)).toThrow(
      /policy\.rateLimt.*did you mean `policy\.rateLimit`/,
    );
  });

  it('should refuse sections that need settings given as `true`, and secrets without a jwt section', () => {
    expect(() => bouncer({ rateLimit: true as never })).toThrow(/rateLimit.*needs `\{ limit, window \}`/);
    expect(() => bouncer({ jwt: true as never })).toThrow(/jwt.*needs `\{ algorithms/);
    expect(() => bouncer({}, { jwtSecret: SECRET })).toThrow(/extras\.jwtSecret/);
  });

  it('should pass the sections on to their factories, whose errors name the option', () => {
    expect(() => bouncer({ ipFilter: { deny: ['not-an-ip'] } })).toThrow(/ipFilter.*not-an-ip/);
    expect(() => bouncer({ cors: { origin: '*' as never, credentials: true } })).toThrow(/credentials/);
    expect(() => bouncer({ rateLimit: { limit: 5, window: 'soon' } })).toThrow(/rateLimit\.window/);
  });

  it('should name the policy option a user wrote, not the factory option behind it', () => {
    // A missing key source names `extras`, where the key goes, not jwtAuth's own `secret`.
    expect(() => bouncer({ jwt: JWT })).toThrow(
      /bouncer: option `extras\.jwtSecret` is missing: .*`extras\.jwtKeys`.*`jwt\.jwksUri`/,
    );
    expect(() => bouncer({ jwt: JWT }, { jwtSecret: SECRET, jwtKeys: {} })).toThrow(/exactly one of/);
    // A section given as a bare string is refused under the section's name, never as option `0`.
    expect(() => bouncer({ requestId: 'x' as never })).toThrow(
      'bouncer: option `requestId` must be true, false or an options object, got "x"',
    );
    expect(() => bouncer({ timing: 'x' as never })).toThrow(/option `timing` must be/);
    expect(() => bouncer({ cors: 5 as never })).toThrow(/option `cors` must be/);
    expect(() => bouncer({ bodyLimit: [] as never })).toThrow(/option `bodyLimit` must be .*'64kb'/);
    expect(() => bouncer({ requestId: 'x' as never })).not.toThrow(/option `0`/);
  });

  it('should suggest the range name a trustProxy typo meant, and list the names', () => {
    expect(() => bouncer({ trustProxy: 'loopbak' })).toThrow(
      /"loopbak" is not an address, a CIDR range or a range name \(loopback, linklocal, uniquelocal\): did you mean `loopback`\?/,
    );
  });

  it('should refuse unknown rateLimit keys, and window with windowMs', () => {
    expect(() => bouncer({ rateLimit: { limit: 5, windw: '60s' } as never })).toThrow(
      /option `rateLimit\.windw` is not a known option: did you mean `rateLimit\.window`\?/,
    );
    expect(() => bouncer({ rateLimit: { limit: 5, window: '60s', windowMs: 1000 } })).toThrow(
      /`rateLimit\.window` and `rateLimit\.windowMs` were both given/,
    );
  });

  it('should list the accepted units when a duration or a size has an unknown one', () => {
    expect(() => bouncer({ rateLimit: { limit: 5, window: '1min' } })).toThrow(
      /option `rateLimit\.window` .*\(ms, s, m, h\).*got "1min"/,
    );
    expect(() => bouncer({ bodyLimit: '64k' })).toThrow(
      /bouncer: option `bodyLimit` .*\(b, kb, mb, gb\).*got "64k"/,
    );
  });

  it('should parse windows given as durations', () => {
    expect(parseDuration('60s', 'w')).toBe(60_000);
    expect(parseDuration('1m', 'w')).toBe(60_000);
    expect(parseDuration('250ms', 'w')).toBe(250);
    expect(parseDuration(1500, 'w')).toBe(1500);
    expect(() => parseDuration(-1, 'w')).toThrow(ConfigError);
  });

  it('should turn sections on by default where that is safe, off otherwise', async () => {
    const r = await runFake(bouncer({ timing: { log: false } }));
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.headers.ratelimit).toBeUndefined();
  });

  it('should stamp the policy headers and CORS on its own rejections (outer layers see inner answers)', async () => {
    const chain = bouncer({
      timing: { log: false },
      cors: { origin: ['https://app.example'] },
      ipFilter: { deny: ['203.0.113.0/24'] },
    });
    const r = await runFake(chain, { peer: '203.0.113.9', headers: { origin: 'https://app.example' } });
    expect(r.status).toBe(403);
    expect(r.reached).toBe(false);
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(r.headers['x-request-id']).toBeDefined();
  });

  it('should resolve the client IP before the IP filter (trustProxy)', async () => {
    const chain = bouncer({
      timing: { log: false },
      trustProxy: 'loopback',
      ipFilter: { deny: ['203.0.113.0/24'] },
    });
    const banned = await runFake(chain, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(banned.status).toBe(403);
    const spoofed = await runFake(chain, { headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.1' } });
    expect(spoofed.status).toBe(200);
  });

  it('should check the rate limit before authentication, so floods never reach signature checks', async () => {
    const chain = bouncer(
      { timing: { log: false }, rateLimit: { limit: 1, window: '60s' }, jwt: JWT },
      { jwtSecret: SECRET },
    );
    const first = await runFake(chain, { peer: '198.51.100.1' });
    expect(first.status).toBe(401);
    const second = await runFake(chain, { peer: '198.51.100.1' });
    expect(second.status).toBe(429);
  });

  it("should move the rate limit behind authentication when it is keyed by 'subject'", async () => {
    const chain = bouncer(
      { timing: { log: false }, rateLimit: { limit: 1, window: '60s', key: 'subject' }, jwt: JWT },
      { jwtSecret: SECRET },
    );
    const headers = (sub: string) => token(sub).then((t) => ({ authorization: `Bearer ${t}` }));
    expect((await runFake(chain, { headers: await headers('alice') })).status).toBe(200);
    expect((await runFake(chain, { headers: await headers('alice') })).status).toBe(429);
    // Another subject from the same address has its own quota.
    const bob = await runFake(chain, { headers: await headers('bob') });
    expect(bob.status).toBe(200);
    expect((bob.state.auth as { sub: string }).sub).toBe('bob');
  });
});
