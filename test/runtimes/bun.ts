// Bun.serve with the app's own fetch: Bun passes the server as its second argument (`c.env`).
import { runtimeApp } from './app';

declare const Bun: {
  env: Record<string, string | undefined>;
  serve(options: { hostname: string; port: number; fetch: unknown }): { url: URL };
};

const app = runtimeApp(Bun.env.BOUNCER_CHAIN);
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
console.log(`listening ${server.url.href}`);
