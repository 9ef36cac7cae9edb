// Express glue for the cases: the guard, a listener, and the notes an APM or a library would take.
import { createServer } from 'node:http';
import { bouncer } from '@bouncer/express';
import type { Express, Response } from 'express';
import { listen, type Served, type Side } from './_harness';
import { compatPolicy } from './_policy';

/** `app.use(bouncer(policy))` on the guarded run, nothing on the plain one: call it where the README says to. */
export function guard(app: Express, side: Side): void {
  if (side.guarded) app.use(bouncer(compatPolicy()));
}

export function serveExpress(app: Express): Promise<Served> {
  return listen(createServer(app));
}

/** What a library that branches on the response's state would read at this point. */
export function state(side: Side, res: Response, label: string): void {
  // `_header` is internal, but on-headers, finalhandler and older agents read it. Not
  // `writableFinished`: it also depends on how much the socket took, which varies run to run.
  side.note(label, {
    headersSent: res.headersSent,
    header: (res as { _header?: unknown })._header != null,
    writableEnded: res.writableEnded,
  });
}
