// Answers written while the event loop works through the sockets that are ready go out together
// once it has been through all of them, as Netty's FlushConsolidationHandler holds its flushes
// until the read loop completes.
//
// The syscalls are the same (one write per answer); what changes is when they happen. Written
// one by one in the middle of the batch, each answer may wake a client that had gone idle
// waiting for it, and on a loaded machine each of those wake-ups is paid on the server's core;
// written back to back, the first wakes the client and the rest find it running. Nothing waits
// longer than the rest of the current batch: `setImmediate` runs right after the poll phase, and
// a pending immediate keeps that poll from blocking.

/** What a held connection does when the batch is over. */
export interface Held {
  release(): void;
}

let held: Held[] = [];
let scheduled = false;

/** Holds `connection`'s writes (it has corked its socket) until the current batch is over. */
export function holdUntilBatchEnd(connection: Held): void {
  held.push(connection);
  if (scheduled) return;
  scheduled = true;
  setImmediate(releaseAll);
}

function releaseAll(): void {
  scheduled = false;
  const list = held;
  held = [];
  for (const connection of list) connection.release();
}
