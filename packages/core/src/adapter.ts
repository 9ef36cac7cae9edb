// @bouncer/core/adapter, for those who mount the chain on a host: what an adapter implements
// (`Host`), how it runs the chain (`runChain`), and the pieces every host answers the same way
// (request-target, body, problem+json, option checks).

export { bodyTooLarge, decodeBody, parseJsonBody } from './body';
export { PROBLEM_TYPE, problemBody, statusTitle } from './errors';
export { ANSWERED, runChain } from './run';
export { type ParsedTarget, parseTarget } from './target';
export type { Host, HostFinish, ShortCircuit } from './types';
export { addressPolicies } from './uses-address';
export {
  contentLength,
  isFieldValueByte,
  isPlainFieldValue,
  isTchar,
  isToken,
  TCHARS,
} from './utils/http-grammar';
export { intern } from './utils/intern';
export { assertKnownKeys, assertOptionsObject } from './utils/policy-options';
