import type { IncomingMessage } from 'node:http';
import { HttpError } from '@bouncer/core';
import { bodyTooLarge } from '@bouncer/core/adapter';

/**
 * Reads the whole request body (at most `limit` bytes) and lends it back: the bytes are
 * `unshift()`ed onto the same IncomingMessage before its `'end'` event has fired, so body parsers
 * further down (`express.json()`, koa body parsers, node-server's Request) read them as if nobody
 * had touched the stream. Reading pauses in `'readable'` mode so nothing flows to anyone else.
 */
export function lendBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    if (req.readableEnded || req.readableFlowing === true) {
      reject(
        new Error(
          'The request body was already consumed before the Bouncer chain: mount Bouncer before body parsers',
        ),
      );
      return;
    }
    if (req.complete && req.readableLength === 0) {
      // Already at its end with nothing buffered: an empty body (a bare `0` chunk) whose EOF came
      // before we asked. Listening now would see 'end' and no 'readable'.
      resolve(new Uint8Array(0));
      return;
    }
    if (req.destroyed) {
      // The client went away before the body was asked for: a destroyed stream emits nothing more,
      // so listening would wait forever.
      reject(new HttpError(400, { detail: 'Client aborted the request body' }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.removeListener('end', onEnd);
      req.removeListener('readable', onReadable);
      req.removeListener('error', onError);
      req.removeListener('aborted', onAborted);
      req.removeListener('close', onAborted);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new HttpError(400, { detail: 'Request body could not be read', cause: error }));
    };
    const onAborted = () => {
      if (req.complete) return;
      cleanup();
      reject(new HttpError(400, { detail: 'Client aborted the request body' }));
    };
    const onReadable = () => {
      let chunk: Buffer | null = req.read();
      while (chunk !== null) {
        size += chunk.length;
        if (size > limit) {
          // Stop here: never buffer past the limit. The 413 carries `Connection: close`, so the
          // unread rest of the body is never parsed as a request.
          cleanup();
          req.pause();
          reject(bodyTooLarge(limit));
          return;
        }
        chunks.push(chunk);
        chunk = req.read();
      }
      // `complete` is set before the parser pushes EOF, so all body bytes have been read here.
      if (!req.complete) return;
      cleanup();
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      // Same tick as the last read(): the stream has not emitted 'end' yet, so unshift is legal.
      if (size > 0) req.unshift(body);
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    };
    // 'end' without our having read everything cannot happen with bytes left (they would have
    // been ours); with none, it is the empty body's EOF.
    const onEnd = () => {
      cleanup();
      if (size === 0) resolve(new Uint8Array(0));
      else reject(new Error('The request body ended while it was being lent'));
    };
    req.on('end', onEnd);
    req.on('readable', onReadable);
    req.on('error', onError);
    req.on('aborted', onAborted);
    req.on('close', onAborted);
  });
}
