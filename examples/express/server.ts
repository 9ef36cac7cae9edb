import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listeningLine, portFromEnv } from '../pricing';
import { createApp } from './app';

const server = createServer(createApp());
server.listen(portFromEnv(), '127.0.0.1', () => {
  console.log(listeningLine((server.address() as AddressInfo).port));
});
