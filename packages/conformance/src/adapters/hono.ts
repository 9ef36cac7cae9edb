import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { AppFactory } from '../types';
import { honoConformanceApp } from './hono-app';
import { listen } from './_shared';

export const honoApp: AppFactory = {
  name: 'hono',
  async start(chain, probe) {
    const app = honoConformanceApp(chain, probe);
    const server: Server = createServer(getRequestListener(app.fetch));
    return listen(server);
  },
};
