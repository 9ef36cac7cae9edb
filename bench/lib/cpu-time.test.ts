import { describe, expect, it } from 'vitest';
import { cpuSeconds, parseStatTicks } from './cpu-time';

describe('parseStatTicks', () => {
  it('adds utime and stime, counting fields after the command name', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const line = '4242 (node) S 1 4242 4242 0 -1 4194560 9000 0 12 0 1234 56 0 0 20 0 11 0';
    expect(parseStatTicks(line)).toBe(1234 + 56);
  });

  it('is not thrown off by spaces or parentheses in the command name', () => {
    const line = '7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 300 20 0 0 20 0 1 0';
    expect(parseStatTicks(line)).toBe(320);
  });

  it('gives undefined for a line it cannot read', () => {
    expect(parseStatTicks('garbage')).toBeUndefined();
    expect(parseStatTicks('1 (x) S 1')).toBeUndefined();
  });
});

describe.runIf(process.platform === 'linux')('cpuSeconds', () => {
  it("grows with this process's own work", () => {
    const before = cpuSeconds(process.pid)!;
    const start = Date.now();
    let x = 0;
    while (Date.now() - start < 80) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(cpuSeconds(process.pid)!).toBeGreaterThan(before);
  });

  it('is undefined for a process that is not there', () => {
    expect(cpuSeconds(2 ** 22 + 17)).toBeUndefined();
  });
});
