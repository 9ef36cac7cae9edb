// Bare `node:http`: the baseline @bouncer/raw with the full policy is held to.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announce, PRICES_JSON } from './_app';

const length = String(Buffer.byteLength(PRICES_JSON));
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/prices') {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': length });
    res.end(PRICES_JSON);
    return;
  }
  res.writeHead(404, { 'Content-Length': '0' });
  res.end();
});
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
