// The load generator's ceiling: a `node:net` responder that parses nothing. It answers one fixed
// response per end of header section seen (wrk does not pipeline, so that is one per request).
// If this is not well above every other variant, wrk, not the server, sets the numbers.
import { createServer } from 'node:net';
import { announce, PRICES_JSON } from './_app';

const RESPONSE = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(PRICES_JSON)}\r\nConnection: keep-alive\r\n\r\n${PRICES_JSON}`,
);
const END = Buffer.from('\r\n\r\n');

const server = createServer({ noDelay: true }, (socket) => {
  socket.on('data', (chunk: Buffer) => {
    for (let at = chunk.indexOf(END); at !== -1; at = chunk.indexOf(END, at + 4)) socket.write(RESPONSE);
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') announce(address.port);
});
