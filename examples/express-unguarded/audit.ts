// Prints the static route audit of the unguarded example: `pnpm run routes` in this folder.
import { formatRouteReport } from '@bouncer/core/audit';
import { auditRoutes } from '@bouncer/express';
import { policyObject } from '../policy';
import { createApp } from './app';

const isPublic = (method: string, path: string) =>
  policyObject.jwt.public.some((r) => r.method === method && r.path === path);

console.log(formatRouteReport(auditRoutes(createApp(), { isPublic })));
