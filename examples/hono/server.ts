import { serve } from '@hono/node-server';
import { listeningLine, portFromEnv } from '../pricing';
import { createApp } from './app';

serve({ fetch: createApp().fetch, port: portFromEnv(), hostname: '127.0.0.1' }, (info) => {
  console.log(listeningLine(info.port));
});
