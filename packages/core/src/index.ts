// The core: an abstract request/response (`Host`), the onion chain, and the policies.

export { DEFAULT_BODY_LIMIT, decodeBody, parseJsonBody, RequestBody } from './body';
export { type Chain, compose } from './compose';
export { BouncerRequest, BouncerResponse, Context, targetPath } from './context';
export {
  BouncerError,
  ConfigError,
  HttpError,
  type HttpErrorOptions,
  PROBLEM_TYPE,
  problemBody,
  statusTitle,
} from './errors';
// Policies, one folder each.
export { type BodyLimitOptions, bodyLimit, parseByteSize } from './middleware/body-limit';
export {
  type ClientIpOptions,
  type CompiledTrust,
  clientIp,
  compileTrust,
  resolveClientIp,
  type TrustProxy,
} from './middleware/client-ip';
export { type CorsOptions, type CorsOrigin, cors } from './middleware/cors';
export { type IpFilterOptions, ipFilter } from './middleware/ip-filter';
export * from './middleware/jwt-auth';
export {
  gcraStep,
  MemoryStore,
  type MemoryStoreOptions,
  memoryStore,
  type RateLimitDecision,
  type RateLimitOptions,
  type RateLimitRule,
  type RateLimitStore,
  rateLimit,
} from './middleware/rate-limit';
export {
  type RedisClientLike,
  RedisStore,
  type RedisStoreOptions,
  StoreUnavailableError,
} from './middleware/rate-limit/redis-store';
export { type RequestIdOptions, requestId } from './middleware/request-id';
export { type SecurityHeadersOptions, securityHeaders } from './middleware/security-headers';
export { type AccessLogger, type AccessLogRecord, type TimingOptions, timing } from './middleware/timing';
export { PHASES, type Phases, phased, phasesOf } from './phases';
// The one policy object.
export { bouncer, parseDuration } from './policy';
export type { BouncerExtras, BouncerPolicy, BouncerState, PublicRoute } from './policy/types';
export { runChain } from './run';
export type * from './types';
export { addressPolicies, usesAddress } from './uses-address';
export { parseForwarded, parseXForwardedFor } from './utils/forwarded';
// Address helpers shared by the policies and the logs.
export { formatIp, normaliseIp, parseIp } from './utils/ip';
