import type { ServerResponse } from 'node:http';
import type { ShortCircuit } from '@bouncer/core';

/** Writes the chain's own answer on a Node response whose headers the chain already set. */
export function writeAnswer(res: ServerResponse, method: string, answer: ShortCircuit): void {
  if (res.headersSent) {
    // Too late for a clean answer: the only honest signal left is a broken connection.
    res.destroy();
    return;
  }
  res.statusCode = answer.status;
  if (answer.body === null || method === 'HEAD') res.end();
  else res.end(answer.body);
}
