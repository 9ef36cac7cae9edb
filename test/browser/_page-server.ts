// A plain node:http server standing for a web site (its own origin) that hosts pages calling the
// API. It sends no security headers of its own, so whatever the browser refuses is the API's doing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  /** `http://127.0.0.1:<port>`: scheme, host and port, i.e. the origin (RFC 6454 §4). */
  origin: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0; `close()` also drops kept-alive browser connections. */
export function listenOnLoopback(server: Server): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Serves `pages` (path → HTML) with 200, anything else with 404. */
export function servePages(pages: Record<string, string>): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const html = pages[path];
    res.writeHead(html === undefined ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html ?? '<title>not found</title>');
  });
  return listenOnLoopback(server);
}
