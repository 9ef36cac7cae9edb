// A Workers module: the policy is built lazily from `env`, once per isolate (the pattern the
// @bouncer/hono README documents: secrets live in `env`, which only a request brings).
import { runtimeApp } from './app';

type App = ReturnType<typeof runtimeApp>;
let app: App | undefined;

export default {
  fetch(request: Request, env: { BOUNCER_CHAIN?: string }, ctx: unknown) {
    app ??= runtimeApp(env.BOUNCER_CHAIN);
    return app.fetch(request, env, ctx as never);
  },
};
