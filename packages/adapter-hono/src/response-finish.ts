import type { HostFinish } from '@bouncer/core/adapter';

/**
 * The finish signal off Node, where no runtime tells a middleware when its response went out:
 * the Response's body is relayed through a counting stream, and the listeners run when the
 * runtime has pulled its last chunk (`bytes` is what was handed over) or cancelled it because
 * the client went away (`aborted: true`). A Response with no body finishes when it is handed over.
 * Nothing is wrapped for a request no one listens to.
 */
export class ResponseFinish {
  #listeners: ((info: HostFinish) => void)[] | undefined;

  listen(listener: (info: HostFinish) => void): void {
    if (this.#listeners) this.#listeners.push(listener);
    else this.#listeners = [listener];
  }

  /**
   * `res`, or a copy whose body reports its end to the listeners. `delivered` is the runtime's own
   * signal when it has one (Deno's `info.completed`: settles once the response is sent or the
   * client is gone), which then decides the moment and the abort, the stream only counting bytes.
   */
  track(res: Response, delivered?: Promise<unknown>): Response {
    const listeners = this.#listeners;
    if (!listeners) return res;
    this.#listeners = undefined;
    let fired = false;
    const fire = (bytes: number, aborted: boolean) => {
      if (fired) return;
      fired = true;
      for (const listener of listeners) listener({ bytes, aborted });
    };
    let bytes = 0;
    if (delivered) {
      delivered.then(
        () => fire(bytes, false),
        () => fire(bytes, true),
      );
    }
    const end = delivered ? () => {} : fire;
    const source = res.body;
    if (source === null) {
      if (!delivered) queueMicrotask(() => fire(0, false));
      return res;
    }
    const reader = source.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (error) {
            end(bytes, true);
            controller.error(error);
            return;
          }
          if (chunk.done) {
            controller.close();
            end(bytes, false);
            return;
          }
          bytes += chunk.value.byteLength;
          controller.enqueue(chunk.value);
        },
        cancel(reason) {
          end(bytes, true);
          return reader.cancel(reason);
        },
      },
      // Pull only when the runtime asks: the count is what it took, not what was buffered ahead.
      { highWaterMark: 0 },
    );
    return new Response(fixedLength(body, res.headers.get('content-length')), res);
  }
}

/** workerd's own stream of a declared length; elsewhere a declared Content-Length is kept as is. */
declare const FixedLengthStream:
  | (new (
      length: number,
    ) => TransformStream<Uint8Array, Uint8Array>)
  | undefined;

/**
 * On workerd a stream body is sent chunked whatever its Content-Length header says, unless it comes
 * from a `FixedLengthStream` (https://developers.cloudflare.com/workers/runtime-apis/streams/transformstream/#fixedlengthstream):
 * without it, relaying would cost the answer its length.
 */
function fixedLength(body: ReadableStream<Uint8Array>, length: string | null): ReadableStream<Uint8Array> {
  if (length === null || typeof FixedLengthStream !== 'function' || !/^\d+$/.test(length)) return body;
  return body.pipeThrough(new FixedLengthStream(Number(length)));
}
