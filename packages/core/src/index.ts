// @bouncer/core for applications: `bouncer()`, the policies one by one, `compose`, the stores and
// the errors. Adapter authors have `@bouncer/core/adapter`; the address and forwarding-header
// parsers are `@bouncer/core/address`; route audits are `@bouncer/core/audit`.

export type { RequestBody } from './body';
export { type Chain, compose } from './compose';
export type { BouncerRequest, BouncerResponse, Context } from './context';
export {
  BouncerError,
  ConfigError,
  HttpError,
  type HttpErrorOptions,
  PROBLEM_TYPE,
  problemBody,
} from './errors';
// Policies, one folder each.
export { type BodyLimitOptions, bodyLimit } from './middleware/body-limit';
export { type ClientIpOptions, clientIp, type TrustProxy } from './middleware/client-ip';
export { type CorsOptions, type CorsOrigin, cors } from './middleware/cors';
export { type CsrfOptions, csrf } from './middleware/csrf';
export { type IpFilterOptions, ipFilter } from './middleware/ip-filter';
export {
  type AuthMode,
  type AuthModeOf,
  type JwtAlgorithm,
  type JwtAuthOptions,
  type JwtAuthState,
  type JwtPayload,
  type JwtPublicKey,
  jwtAuth,
  type PublicJwk,
  type PublicMatcher,
  type PublicRoute,
} from './middleware/jwt-auth';
export { type MetricsOptions, metrics, type Outcome, type RequestSample } from './middleware/metrics';
export {
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
  type ContentSecurityPolicyOptions,
  type CspDirectiveValue,
  type CspDynamicValue,
  dangerouslyDisableDefaultSrc,
  getDefaultDirectives,
  type SecurityHeadersOptions,
  type StrictTransportSecurityOptions,
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
export { bouncer } from './policy';
export type {
  BouncerChain,
  BouncerExtras,
  BouncerPolicy,
  BouncerState,
  DefaultClaims,
  EffectivePolicy,
  JwtSection,
  RateLimitSection,
  RoutePolicy,
  StateOf,
} from './policy/types';
export type { Awaitable, FinishInfo, HeadHook, Middleware, Next, ResponseBody, State } from './types';
