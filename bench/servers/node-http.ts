// Bare `node:http` (`bare`): the baseline @bouncer/raw with the full policy is held to; and
// `headers`: the same server writing the Bouncer policy's headers with no logic, the floor of any
// node:http server that sends them.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announce, modeFromArgv, PRICES_JSON } from './_app';
import { POLICY_HEADERS } from './_headers';

const mode = modeFromArgv(['bare', 'headers']);
const length = String(Buffer.byteLength(PRICES_JSON));
// One object, given whole to writeHead on a response with no header set yet: node:http's
// cheapest way to send fields (no per-field setHeader bookkeeping).
const head = {
  ...(mode === 'headers' ? Object.fromEntries(POLICY_HEADERS) : {}),
  'Content-Type': 'application/json; charset=utf-8',
  'Content-Length': length,
};
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/prices') {
    res.writeHead(200, head);
    res.end(PRICES_JSON);
    return;
  }
  res.writeHead(404, { 'Content-Length': '0' });
  res.end();
});
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
