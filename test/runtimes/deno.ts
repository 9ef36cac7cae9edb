// Deno.serve with the app's own fetch: Deno passes `ServeHandlerInfo` as its second argument (`c.env`).
import { runtimeApp } from './app';

declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(
    options: { hostname: string; port: number; onListen(addr: { hostname: string; port: number }): void },
    handler: unknown,
  ): unknown;
};

const app = runtimeApp(Deno.env.get('BOUNCER_CHAIN'));
Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ hostname, port }) => console.log(`listening http://${hostname}:${port}/`),
  },
  app.fetch,
);
