// Everything an adapter on Node uses: the node-free glue (also loaded off Node, see host.ts) and
// the parts that need Node at run time.
export * from './host';
export { type LoopbackServer, listenLoopback } from './listen-loopback';
export { NodeHost } from './node-host';
export { UpgradeHost } from './upgrade-host';
export { writeAnswer } from './write-answer';
