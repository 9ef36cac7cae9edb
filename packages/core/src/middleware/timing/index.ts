import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { FinishInfo, Middleware } from '../../types';
import { isToken } from '../../utils/policy-http';
import { assertKnownKeys, show } from '../../utils/policy-options';

/** The slice of a pino-style logger the access log uses: `logger[level](object, message)`. */
export interface AccessLogger {
  info(obj: object, msg?: string): void;
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
   * Where access-log records go: any object with a pino-compatible `info(obj, msg)` (or the
   * chosen `level`) method; `false` turns the access log off.
   * @default a JSON-lines writer to `console.log`
   */
  logger?: AccessLogger | false;
  /** Logger method used for each record. @default 'info' */
  level?: string;
  /**
   * Adds `Server-Timing: bouncer;dur=<ms>` to responses: the time from the chain's start until the
   * application returned its response head (body streaming excluded). Off by default: timings
   * are an oracle for user enumeration and cache probing (W3C Server Timing §6, research note T4).
   * @default false
   */
  serverTiming?: boolean;
}

const MAX_PATH = 2048;

/** The default logger: one JSON object per line; JSON escaping keeps CR/LF and ANSI escapes inert. */
const consoleJsonLogger: AccessLogger = {
  info(obj: object, msg?: string) {
    console.log(JSON.stringify({ level: 'info', time: Date.now(), msg, ...obj }));
  },
};

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
  assertKnownKeys('timing', options, ['logger', 'level', 'serverTiming']);
  const level = options.level ?? 'info';
  const logger = options.logger === undefined ? consoleJsonLogger : options.logger;
  if (logger !== false) {
    if (logger === null || typeof logger !== 'object' || typeof (logger as any)[level] !== 'function') {
      throw new ConfigError(
        'timing',
        'logger',
        `must be false or an object with a \`${level}(obj, msg)\` method (pino-compatible), got ${show(logger)}`,
      );
    }
  }
  const serverTiming = options.serverTiming ?? false;
  if (typeof serverTiming !== 'boolean') {
    throw new ConfigError('timing', 'serverTiming', `must be a boolean, got ${show(serverTiming)}`);
  }
  const log = logger === false ? undefined : ((logger as any)[level] as AccessLogger['info']).bind(logger);

  // With neither the log nor the header there is nothing to do: no phase at all, so the fused
  // layer skips this policy and no finish listener is registered.
  return phased('timing', {
    before: log ? (ctx) => ctx.onFinish((info) => writeRecord(log, ctx, info)) : undefined,
    head: serverTiming ? appendServerTiming : undefined,
  });
}

function writeRecord(log: AccessLogger['info'], ctx: Context<any>, info: FinishInfo): void {
  const record = buildRecord(ctx, info);
  log(
    record,
    record.aborted ? 'request aborted' : record.rejectedBy ? 'request rejected' : 'request completed',
  );
}

/** A head hook: the duration up to the moment the head is written, whoever answered. */
function appendServerTiming(ctx: Context<any>): void {
  ctx.res.append('Server-Timing', `bouncer;dur=${round3(performance.now() - ctx.startTime)}`);
}
