export { compose, type Chain } from './compose';
export { BouncerRequest, BouncerResponse, Context } from './context';
export { RequestBody, DEFAULT_BODY_LIMIT } from './body';
export { BouncerError, ConfigError, HttpError, type HttpErrorOptions, PROBLEM_TYPE, problemBody, statusTitle } from './errors';
export { runChain } from './run';
export type * from './types';
