import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { FinishInfo, Middleware } from '../../types';
import { isToken } from '../../utils/http-grammar';
import { outcomeOf } from '../../utils/outcome';
import { assertKnownKeys, assertOptionsObject, show } from '../../utils/policy-options';

/**
 * The slice of a pino-style logger the access log uses: `logger[level](object, message)`, with the
 * level chosen by the outcome (see `levels`). pino, bunyan and winston loggers all fit.
 */
export interface AccessLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Logger methods per outcome of a request. */
export interface AccessLogLevels {
  /** Answered by the application, or the client went away. @default 'info' */
  ok?: string;
  /** Refused by a policy (401, 403, 413, 429, …). @default 'warn' */
  rejected?: string;
  /** Answered 5xx: an unexpected error, a store outage, the application's own 500. @default 'error' */
  failed?: string;
}

/** One access-log record. No headers at all are logged, so `Authorization` and `Cookie` never are. */
export interface AccessLogRecord {
  method: string;
  /** Path only: the query string may carry tokens or personal data. */
  path: string;
  status: number;
  /** Response body bytes written. */
  bytes: number;
  /** Milliseconds, monotonic clock, three decimals. */
  durationMs: number;
  /** Client address as resolved by the chain's IP policy (`ctx.req.ip`). */
  ip: string;
  requestId?: string;
  /** The policy that answered instead of the application, and why. */
  rejectedBy?: string;
  reason?: string;
  /** True when the client went away before the response was complete. */
  aborted: boolean;
  /** True when an unexpected error was turned into a 500 (details went to the host's error reporting). */
  error?: boolean;
}

export interface TimingOptions {
  /**
   * Where access-log records go: any object with pino-compatible methods for the `levels` used
   * (`info`, `warn`, `error` by default); `false` turns the access log off.
   * @default JSON lines on stdout with pino's numeric levels (30 info, 40 warn, 50 error)
   */
  logger?: AccessLogger | false;
  /** Which logger method each outcome is written with. @default { ok: 'info', rejected: 'warn', failed: 'error' } */
  levels?: AccessLogLevels;
  /**
   * Adds `Server-Timing: bouncer;dur=<ms>` to responses: the time from the chain's start until the
   * application returned its response head (body streaming excluded). Off by default: timings
   * are an oracle for user enumeration and cache probing (W3C Server Timing §6, "Privacy and Security").
   * @default false
   */
  serverTiming?: boolean;
}

const MAX_PATH = 2048;

/**
 * The default logger: one JSON object per line, shaped as pino writes them (numeric `level`,
 * epoch-ms `time`, `msg`), so pino-pretty and log shippers read it as is. JSON escaping keeps
 * CR/LF and ANSI escapes from the request inert.
 */
function jsonLine(level: number) {
  return (obj: object, msg?: string) => console.log(JSON.stringify({ level, time: Date.now(), msg, ...obj }));
}
const consoleJsonLogger: AccessLogger = { info: jsonLine(30), warn: jsonLine(40), error: jsonLine(50) };

const DEFAULT_LEVELS = { ok: 'info', rejected: 'warn', failed: 'error' } satisfies Required<AccessLogLevels>;

function round3(ms: number): number {
  return Math.round(Math.max(0, ms) * 1000) / 1000;
}

function buildRecord(ctx: Context<any>, info: FinishInfo): AccessLogRecord {
  // A refused target (answered 400 by `target`) is logged as received, JSON-escaped.
  const path = ctx.req.targetOk ? ctx.req.path : ctx.req.target;
  const record: AccessLogRecord = {
    method: isToken(ctx.req.method) ? ctx.req.method : '-',
    path: path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path,
    status: info.status,
    bytes: info.bytes,
    durationMs: round3(info.duration),
    ip: ctx.req.ip,
    aborted: info.aborted,
  };
  const id = (ctx.state as Record<string, unknown>).requestId;
  if (typeof id === 'string') record.requestId = id.length > 256 ? id.slice(0, 256) : id;
  if (ctx.rejection) {
    record.rejectedBy = ctx.rejection.policy;
    record.reason = ctx.rejection.reason;
  }
  if (ctx.error !== undefined) record.error = true;
  return record;
}

/**
 * Writes one structured access-log line per request when its response is finished (or aborted)
 * and, opt-in, a `Server-Timing` header. Mount it first so that it sees every answer, including
 * the other policies' rejections.
 *
 * @example
 * compose([timing({ logger: pino(), serverTiming: true }), requestId(), jwtAuth({ ... })]);
 */
export function timing(options: TimingOptions = {}): Middleware {
  assertKnownKeys('timing', options, ['logger', 'levels', 'serverTiming']);
  if (options.levels !== undefined) {
    assertOptionsObject('timing', 'levels', options.levels);
    assertKnownKeys('timing', options.levels, Object.keys(DEFAULT_LEVELS), 'levels.');
  }
  const levels = { ...DEFAULT_LEVELS, ...options.levels };
  const logger = options.logger === undefined ? consoleJsonLogger : options.logger;
  let write: ((ctx: Context<any>, info: FinishInfo) => void) | undefined;
  if (logger !== false) {
    const method = (outcome: keyof AccessLogLevels): AccessLogger['info'] => {
      const name = levels[outcome];
      const fn = logger !== null && typeof logger === 'object' ? (logger as any)[name] : undefined;
      if (typeof name !== 'string' || typeof fn !== 'function') {
        throw new ConfigError(
          'timing',
          'logger',
          `must be false or an object with a \`${String(name)}(obj, msg)\` method (pino-compatible) for \`levels.${outcome}\`, got ${show(logger)}`,
        );
      }
      return fn.bind(logger);
    };
    const ok = method('ok');
    const rejected = method('rejected');
    const failed = method('failed');
    write = (ctx, info) => {
      const record = buildRecord(ctx, info);
      const outcome = outcomeOf(ctx, info.status, info.aborted);
      if (outcome === 'failed') failed(record, 'request failed');
      else if (outcome === 'rejected') rejected(record, 'request rejected');
      else ok(record, outcome === 'aborted' ? 'request aborted' : 'request completed');
    };
  }
  const serverTiming = options.serverTiming ?? false;
  if (typeof serverTiming !== 'boolean') {
    throw new ConfigError('timing', 'serverTiming', `must be a boolean, got ${show(serverTiming)}`);
  }
  const log = write;

  // With neither the log nor the header there is nothing to do: no phase at all, so the fused
  // layer skips this policy and no finish listener is registered.
  return phased('timing', {
    before: log ? (ctx) => ctx.onFinish((info) => log(ctx, info)) : undefined,
    head: serverTiming ? appendServerTiming : undefined,
  });
}

/** A head hook: the duration up to the moment the head is written, whoever answered. */
function appendServerTiming(ctx: Context<any>): void {
  ctx.res.append('Server-Timing', `bouncer;dur=${round3(performance.now() - ctx.startTime)}`);
}
