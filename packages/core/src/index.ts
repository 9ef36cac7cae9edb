// The core: an abstract request/response (`Host`), the onion chain, and the policies.

export { DEFAULT_BODY_LIMIT, decodeBody, parseJsonBody, RequestBody } from './body';
export { type Chain, compose } from './compose';
export { BouncerRequest, BouncerResponse, Context } from './context';
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
export { type CsrfOptions, csrf } from './middleware/csrf';
export { type IpFilterOptions, ipFilter } from './middleware/ip-filter';
export * from './middleware/jwt-auth';
export { type MetricsOptions, metrics, type Outcome, type RequestSample } from './middleware/metrics';
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
export {
  type Problem,
  type RejectionShaper,
  rejectionBody,
  type ShapedBody,
} from './middleware/rejection-body';
export { type RequestIdOptions, requestId } from './middleware/request-id';
export {
  dangerouslyDisableDefaultSrc,
  getDefaultDirectives,
  type SecurityHeadersOptions,
  securityHeaders,
} from './middleware/security-headers';
export {
  type AccessLogger,
  type AccessLogLevels,
  type AccessLogRecord,
  type TimingOptions,
  timing,
} from './middleware/timing';
// The one policy object.
export { bouncer, parseDuration } from './policy';
export type {
  BouncerChain,
  BouncerExtras,
  BouncerPolicy,
  BouncerState,
  DefaultClaims,
  EffectivePolicy,
  PublicRoute,
  RateLimitSection,
  RoutePolicy,
  StateOf,
} from './policy/types';
export { runChain } from './run';
export { type ParsedTarget, parseTarget } from './target';
export type * from './types';
export { addressPolicies, usesAddress } from './uses-address';
export { parseForwarded, parseXForwardedFor } from './utils/forwarded';
// Address helpers shared by the policies and the logs.
export { formatIp, normaliseIp, parseIp } from './utils/ip';
// For adapters and servers: their option objects are checked with the policies' own messages.
export { assertKnownKeys, assertOptionsObject } from './utils/policy-options';
