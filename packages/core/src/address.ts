// @bouncer/core/address: the parsers `clientIp` reads the client's address with, for code that
// needs the same reading outside the chain (a WebSocket server, a log processor).

export { parseForwarded, parseXForwardedFor } from './utils/forwarded';
export { normaliseIp } from './utils/ip';
