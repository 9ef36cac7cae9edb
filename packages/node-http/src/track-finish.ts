import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostFinish } from '@bouncer/core/adapter';

const NO_BODY = new Set([204, 304]);

/**
 * Fires `listener` once the response is over: completed (`writableFinished`) or cut short (the
 * client went away). Body bytes are read off the socket's counter (what it wrote while this
 * response was current, less the head), so no method of the response has to be wrapped.
 * Chunked framing counts as body; a pipelined response written at the same time would be mixed in.
 */
export function trackFinish(
  req: IncomingMessage,
  res: ServerResponse,
  listener: (info: HostFinish) => void,
): void {
  const socket = res.socket ?? req.socket;
  const start = socket?.bytesWritten ?? 0;
  let done = false;
  const fire = (aborted: boolean) => {
    if (done) return;
    done = true;
    let bytes = 0;
    if (req.method !== 'HEAD' && !NO_BODY.has(res.statusCode) && socket) {
      const head = (res as { _header?: unknown })._header;
      const headBytes = typeof head === 'string' ? Buffer.byteLength(head, 'latin1') : 0;
      bytes = Math.max(0, socket.bytesWritten - start - headBytes);
    }
    listener({ bytes, aborted });
  };
  // One listener: a ServerResponse always emits 'close', after 'finish' when it completed.
  res.once('close', () => fire(!res.writableFinished));
}
