import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AppFactory } from '../types';
import { listen } from './_shared';

export const honoApp: AppFactory = {
  name: 'hono',
  async start(chain, probe) {
    // Loaded here, so the kit imports without Hono (an optional peer) until this adapter runs.
    const [{ getRequestListener }, { honoConformanceApp }] = await Promise.all([
      import('@hono/node-server'),
      import('./hono-app'),
    ]);
    const app = honoConformanceApp(chain, probe);
    const server: Server = createServer(getRequestListener(app.fetch));
    return listen(server);
  },
};
