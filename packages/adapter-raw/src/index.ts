// @bouncer/raw: the server, its request and response, a router, and the request parser usable
// alone. Everything else lives in ./_server/ and is not part of the API.
export type { Handler } from './_server/exchange';
export type { RequestHead } from './_server/head';
export { ParseError } from './_server/parse-error';
export { type ParserLimits, type ParserSink, RequestParser } from './_server/parser';
export { RawRequest } from './_server/request';
export { RawResponse } from './_server/response';
export { type RouteHandler, type RouteInfo, Router } from './_server/router';
export { type CloseOptions, createServer, type ListenAddress, RawServer } from './_server/server';
export type { RawServerOptions, RawTlsOptions } from './_server/server-options';
export type { Chunk } from './_server/transport';
export { auditRoutes, type RawAuditOptions } from './audit';
