// The glue that imports nothing from Node at run time (only its types), for adapters that also run
// off Node: `@bouncer/hono` loads this on Bun, Deno and Workers, where a `node:*` import would fail
// to bundle or to load. Everything here is only called once a Node request is in hand.
export { lendBody } from './lend-body';
export { fieldLines, NodeHost, trackFinish } from './node-host';
export { writeAnswer } from './write-answer';
