export { auditRoutes } from './audit';
export { Exchange, type Handler } from './exchange';
export { ParseError, type ParserLimits, type ParserSink, type RequestHead, RequestParser } from './parser';
export { RawRequest } from './request';
export { type Chunk, RawResponse } from './response';
export { type RouteHandler, type RouteInfo, Router } from './router';
export { type CloseOptions, createServer, type ListenAddress, RawServer } from './server';
export type { RawServerOptions, RawTlsOptions } from './server-options';
