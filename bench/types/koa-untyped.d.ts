// The two Koa middleware the native stack uses ship no types and have no @types package
// installed here; only what bench/servers/koa.ts calls is declared.
declare module '@koa/cors' {
  import type { Middleware } from 'koa';
  export default function cors(options?: { origin?: string }): Middleware;
}

declare module 'koa-ratelimit' {
  import type { Context, Middleware } from 'koa';
  export default function ratelimit(options: {
    driver: 'memory' | 'redis';
    db: unknown;
    duration: number;
    max: number;
    id?: (ctx: Context) => string | false;
  }): Middleware;
}
