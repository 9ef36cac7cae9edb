import { listeningLine, portFromEnv } from '../pricing';
import { createApp } from './app';

const server = createApp();
const { port } = await server.listen(portFromEnv(), '127.0.0.1');
console.log(listeningLine(port));
