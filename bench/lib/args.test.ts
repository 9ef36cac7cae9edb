import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';

describe('parseArgs', () => {
  it('defaults to three 5 s rounds after a 3 s warm-up, with 50 connections', () => {
    expect(parseArgs([])).toMatchObject({
      rounds: 3,
      seconds: 5,
      warmupSeconds: 3,
      connections: 50,
      quick: false,
    });
  });

  it('makes --quick one 2 s round', () => {
    expect(parseArgs(['--quick'])).toMatchObject({ rounds: 1, seconds: 2, warmupSeconds: 1, quick: true });
  });

  it('lets explicit flags override the --quick defaults whatever their order', () => {
    expect(parseArgs(['--rounds', '2', '--quick', '--only', 'hono,raw:bouncer', '--no-micro'])).toMatchObject(
      {
        rounds: 2,
        seconds: 2,
        only: 'hono,raw:bouncer',
        micro: false,
        memory: true,
      },
    );
  });

  it('rejects unknown options and non-positive numbers', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseArgs(['--duration', '0'])).toThrow(/--duration needs a whole number/);
    expect(() => parseArgs(['--rounds'])).toThrow(/--rounds/);
  });
});
