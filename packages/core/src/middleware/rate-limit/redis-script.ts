/**
 * One GCRA step as a Redis Lua script, so that read, decide and write happen atomically in a
 * single round trip (Redis runs a script to completion before serving any other command).
 *
 * KEYS[1] holds the theoretical arrival time (TAT); ARGV = windowMs, limit, cost.
 * Reply: { allowed (0|1), remaining, resetMs, retryAfterMs }; the last two are strings because
 * Redis truncates Lua numbers to integers on the way out and the delays carry fractions.
 *
 * Notes on the choices made:
 * - `TIME` is Redis's clock, so every application instance decides against one clock and host
 *   clock skew cannot widen anyone's quota. Scripts that write after reading `TIME` need effects
 *   replication: the default since Redis 5, and switched on explicitly below for Redis 3.2–4.
 * - The TAT is stored as `<now in integer µs>:<backlog in ms>` (TAT = now + backlog) rather than
 *   as one epoch-milliseconds double: at ~1.7e12 ms a double is only exact to ~2.4e-4 ms, enough
 *   to make `floor(… + 1e-9)` in `remaining` come out one short (limit 7, cost 4 gave 2, not 3).
 *   Integer microseconds (< 2^53 until the year 2255) subtract exactly, and the backlog is a
 *   small number, so the arithmetic below matches the contract's GCRA at any clock value.
 * - `%.17g` round-trips a double exactly; Lua's `tostring` keeps only 14 digits.
 * - `SET … PX` to the TAT lets Redis forget a key once its quota is fully restored, so idle
 *   clients cost no memory. A denied step writes nothing, so hammering does not extend a block.
 */
export const GCRA_SCRIPT = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now_us = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local backlog = 0
local stored = redis.call('GET', KEYS[1])
if stored then
  local base, ahead = string.match(stored, '^(%d+):(.+)$')
  if base then backlog = math.max((tonumber(ahead) or 0) - (now_us - tonumber(base)) / 1000, 0) end
end
local interval = window / limit
local new_backlog = backlog + interval * cost
local retry_after = new_backlog - window
-- Same 0.001 ms slack as gcra.ts: float error must not deny a request that is on time.
if retry_after > 0.001 then
  return { 0, 0, string.format('%.17g', backlog), string.format('%.17g', retry_after) }
end
local ttl = math.max(math.ceil(new_backlog), 1)
redis.call('SET', KEYS[1], string.format('%.0f:%.17g', now_us, new_backlog), 'PX', ttl)
-- Clamped: a request admitted within the slack would otherwise count -1 remaining.
local remaining = math.max(math.floor((window - new_backlog) / interval + 1e-9), 0)
return { 1, remaining, string.format('%.17g', new_backlog), '0' }
`;
