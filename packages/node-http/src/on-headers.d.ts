// on-headers (jshttp) ships no types: https://github.com/jshttp/on-headers
declare module 'on-headers' {
  import type { ServerResponse } from 'node:http';

  /** Calls `listener` (with `this` the response) once, when `res` is about to write its head. */
  function onHeaders(res: ServerResponse, listener: (this: ServerResponse) => void): void;
  export = onHeaders;
}
