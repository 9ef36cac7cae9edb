// A server's CPU time (user + system, every thread: JS, GC helpers, libuv's pool), read from
// Linux's /proc around each wrk round. Divided by the requests served, it is what one request
// costs the server itself — unlike 1/req·s, it does not count the time the server sat idle
// waiting for wrk (two cores: the generator and the server each hold one, and the slower of
// them sets the pace), so a policy's cost can be compared with the in-process micro-benchmark.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** `sysconf(_SC_CLK_TCK)`, the unit of /proc's CPU times (100 on every common Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * utime + stime of a `/proc/<pid>/stat` line, in ticks. The command name (field 2) is in
 * parentheses and may itself hold spaces or parentheses: fields are counted after the last `)`.
 */
export function parseStatTicks(stat: string): number | undefined {
  const end = stat.lastIndexOf(')');
  if (end === -1) return undefined;
  // After ")": state (field 3) … utime is field 14, stime field 15.
  const fields = stat.slice(end + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** CPU seconds `pid` has used so far; undefined where /proc is not there (not Linux) or it exited. */
export function cpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const ticks = parseStatTicks(stat);
  return ticks === undefined ? undefined : ticks / clockTicks();
}
