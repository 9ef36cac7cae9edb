export { Exchange, type Handler } from './_server/exchange';
export {
  ParseError,
  type ParserLimits,
  type ParserSink,
  type RequestHead,
  RequestParser,
} from './_server/parser';
export { RawRequest } from './_server/request';
export { type Chunk, RawResponse } from './_server/response';
export { type RouteHandler, type RouteInfo, Router } from './_server/router';
export { type CloseOptions, createServer, type ListenAddress, RawServer } from './_server/server';
export type { RawServerOptions, RawTlsOptions } from './_server/server-options';
export { auditRoutes } from './audit';
