import type { ServerResponse } from 'node:http';
import type { ShortCircuit } from '@bouncer/core/adapter';

/**
 * Writes the chain's own answer on a Node response whose headers the chain already set. Returns
 * false, writing nothing, when a head is already out (something answered while the chain ran):
 * that answer is left exactly as it is.
 */
export function writeAnswer(res: ServerResponse, method: string, answer: ShortCircuit): boolean {
  if (res.headersSent) return false;
  res.statusCode = answer.status;
  if (answer.body === null || method === 'HEAD') res.end();
  else res.end(answer.body);
  return true;
}
