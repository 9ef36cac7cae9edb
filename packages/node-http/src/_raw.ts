// Test helpers for the Node glue: a server on loopback and a raw HTTP/1.1 exchange with it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { listenLoopback } from './listen-loopback';

export interface Served {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Served> {
  const server = createServer(handler);
  const { url, close } = await listenLoopback(server);
  return { url, port: Number(new URL(url).port), server, close };
}

/** Writes `parts` (with `gap` ms between them) and resolves with every byte until the server closes or `idle` ms pass. */
export function exchange(
  port: number,
  parts: readonly (string | Buffer)[],
  { gap = 0, idle = 150 } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(done, idle);
    };
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      arm();
    });
    socket.on('close', done);
    socket.on('error', done);
    (async () => {
      for (const part of parts) {
        if (socket.destroyed) return;
        socket.write(part);
        if (gap) await new Promise((r) => setTimeout(r, gap));
      }
      arm();
    })();
  });
}

/** The response head without its Date line, for comparing two heads byte for byte. */
export function headOf(raw: string): string {
  const end = raw.indexOf('\r\n\r\n');
  return (end === -1 ? raw : raw.slice(0, end))
    .split('\r\n')
    .filter((line) => !/^date:/i.test(line))
    .join('\r\n');
}
