// The connection's one timer is re-armed lazily: moving a deadline later costs no timer work, and
// the timer still fires at the deadline in force, never at one that was replaced.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Clock, ConnectionClock } from '../src/_server/clock';
import { dateHeader } from '../src/_server/serialize';

const timeouts = { headersTimeout: 1000, requestTimeout: 5000, keepAliveTimeout: 100 };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-02T03:04:05.250Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

function clockWith(options = timeouts) {
  const fired: Clock[] = [];
  const clock = new ConnectionClock(options, (which) => fired.push(which));
  return { clock, fired };
}

describe('ConnectionClock', () => {
  it('fires at a deadline moved later, not at the one it replaced', () => {
    const { clock, fired } = clockWith();
    const t0 = Date.now();
    clock.set(Clock.KeepAlive, t0 + 100);
    vi.advanceTimersByTime(60);
    clock.set(Clock.KeepAlive, Date.now() + 100);
    vi.advanceTimersByTime(60);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(39);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([Clock.KeepAlive]);
    expect(clock.running).toBe(Clock.None);
  });

  it('fires at a deadline moved earlier', () => {
    const { clock, fired } = clockWith();
    const t0 = Date.now();
    clock.set(Clock.Headers, t0 + 1000);
    clock.set(Clock.KeepAlive, t0 + 100);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([Clock.KeepAlive]);
    vi.advanceTimersByTime(2000);
    expect(fired).toEqual([Clock.KeepAlive]);
  });

  it('reports the clock in force when the timer fires, after phases changed in between', () => {
    const { clock, fired } = clockWith();
    const t0 = Date.now();
    clock.set(Clock.KeepAlive, t0 + 100);
    clock.set(Clock.Headers, t0 + 1000);
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([Clock.Headers]);
  });

  it('does not fire once stopped, and fires again when re-armed', () => {
    const { clock, fired } = clockWith();
    clock.set(Clock.KeepAlive, Date.now() + 100);
    clock.stop();
    vi.advanceTimersByTime(500);
    expect(fired).toEqual([]);
    clock.set(Clock.Request, Date.now() + 50);
    vi.advanceTimersByTime(50);
    expect(fired).toEqual([Clock.Request]);
  });

  it('leaves no timer behind once cancelled', () => {
    const { clock, fired } = clockWith();
    clock.set(Clock.Headers, Date.now() + 1000);
    clock.cancel();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2000);
    expect(fired).toEqual([]);
  });

  it('never fires a clock whose timeout is 0 (disabled)', () => {
    const { clock, fired } = clockWith({ headersTimeout: 0, requestTimeout: 0, keepAliveTimeout: 0 });
    clock.set(Clock.KeepAlive, Date.now());
    clock.set(Clock.Headers, Date.now());
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual([]);
  });
});

describe('dateHeader', () => {
  it('keeps one Date line within a second and moves on at the next second', () => {
    const first = dateHeader();
    expect(first).toBe('Date: Fri, 02 Jan 2026 03:04:05 GMT\r\n');
    vi.advanceTimersByTime(700);
    expect(dateHeader()).toBe(first);
    vi.advanceTimersByTime(50);
    expect(dateHeader()).toBe('Date: Fri, 02 Jan 2026 03:04:06 GMT\r\n');
  });
});
