// Drives wrk and reads its `--latency` report.
import { runCommand } from './processes';

export interface WrkResult {
  requestsPerSec: number;
  /** Latency percentiles in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers outside 2xx/3xx: any at all means the variant did not serve what was measured. */
  non2xx: number;
  /** connect + read + write + timeout errors. */
  socketErrors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `'812.00us'` → 0.812 (milliseconds). */
export function parseDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`wrk: unreadable duration ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** Reads wrk's text report (run with `--latency`). */
export function parseWrk(text: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  const p50 = /^\s+50%\s+(\S+)/m.exec(text);
  const p99 = /^\s+99%\s+(\S+)/m.exec(text);
  const total = /^\s+(\d+) requests in /m.exec(text);
  if (!rps || !p50 || !p99 || !total) {
    throw new Error(`wrk: report without Requests/sec or latency distribution:\n${text.trim()}`);
  }
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: parseDuration(p50[1]),
    p99Ms: parseDuration(p99[1]),
    requests: Number(total[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock ? sock.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

export interface WrkOptions {
  url: string;
  seconds: number;
  /** @default 50 */
  connections?: number;
  /** Request headers, `Name: value`. */
  headers?: readonly string[];
}

/** The exact wrk argument list for one measurement (one thread, keep-alive, latency distribution). */
export function wrkArgs(options: WrkOptions): string[] {
  const args = ['-t1', `-c${options.connections ?? 50}`, `-d${options.seconds}s`, '--latency'];
  for (const header of options.headers ?? []) args.push('-H', header);
  args.push(options.url);
  return args;
}

export async function runWrk(wrk: string, options: WrkOptions): Promise<WrkResult> {
  const { code, stdout, stderr } = await runCommand(wrk, wrkArgs(options));
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${stderr.trim() || stdout.trim()}`);
  return parseWrk(stdout);
}
